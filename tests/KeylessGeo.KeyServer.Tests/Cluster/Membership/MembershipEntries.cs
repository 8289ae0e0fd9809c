using System.Net;
using Orleans;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Tests.Cluster.Membership;

/// <summary>Membership entries for table tests: distinct silo addresses, whole-second UTC times.</summary>
internal static class MembershipEntries
{
    private static int s_generation = 1_000;

    /// <summary>A joining silo on a loopback port of its own, started at <paramref name="at"/> (now by default).</summary>
    public static MembershipEntry New(SiloStatus status = SiloStatus.Joining, DateTime? at = null)
    {
        var time = at ?? Now();
        var generation = Interlocked.Increment(ref s_generation);
        var silo = SiloAddress.New(IPAddress.Loopback, 20_000 + (generation % 10_000), generation);
        return new MembershipEntry
        {
            SiloAddress = silo,
            Status = status,
            ProxyPort = 30_000 + (generation % 10_000),
            HostName = "membership-test-host",
            SiloName = $"silo-{generation}",
            RoleName = "keyserver",
            UpdateZone = 2,
            FaultZone = 3,
            StartTime = time,
            IAmAliveTime = time,
        };
    }

    /// <summary>A copy of <paramref name="entry"/> (tables must not depend on callers keeping their objects).</summary>
    public static MembershipEntry Copy(MembershipEntry entry) => new()
    {
        SiloAddress = entry.SiloAddress,
        Status = entry.Status,
        SuspectTimes = entry.SuspectTimes is null ? null : [.. entry.SuspectTimes],
        ProxyPort = entry.ProxyPort,
        HostName = entry.HostName,
        SiloName = entry.SiloName,
        RoleName = entry.RoleName,
        UpdateZone = entry.UpdateZone,
        FaultZone = entry.FaultZone,
        StartTime = entry.StartTime,
        IAmAliveTime = entry.IAmAliveTime,
    };

    /// <summary>UTC now to the whole second (every store keeps that exactly).</summary>
    public static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    /// <summary>Asserts that <paramref name="actual"/> holds every field of <paramref name="expected"/>.</summary>
    public static void AssertSame(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.RoleName, actual.RoleName);
        Assert.Equal(expected.UpdateZone, actual.UpdateZone);
        Assert.Equal(expected.FaultZone, actual.FaultZone);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(
            (expected.SuspectTimes ?? []).Select(vote => (vote.Item1, vote.Item2)),
            (actual.SuspectTimes ?? []).Select(vote => (vote.Item1, vote.Item2)));
    }
}
