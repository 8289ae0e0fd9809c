using Orleans;
using Orleans.Runtime;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>
/// Converts Orleans's <see cref="MembershipEntry"/> to and from the stored
/// <see cref="MembershipEntryDocument"/>, and answers the questions both tables ask of an entry.
/// </summary>
internal static class MembershipEntryCodec
{
    /// <summary>The stored form of <paramref name="entry"/>.</summary>
    public static MembershipEntryDocument ToDocument(MembershipEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.SiloAddress);
        return new MembershipEntryDocument(
            entry.SiloAddress.ToParsableString(),
            entry.Status.ToString(),
            entry.SuspectTimes?.Select(vote => new SuspectVoteDocument(vote.Item1.ToParsableString(), Utc(vote.Item2))).ToArray(),
            entry.ProxyPort,
            entry.HostName,
            entry.SiloName,
            entry.RoleName,
            entry.UpdateZone,
            entry.FaultZone,
            Utc(entry.StartTime),
            Utc(entry.IAmAliveTime));
    }

    /// <summary>The Orleans entry <paramref name="document"/> stores; throws <see cref="FormatException"/> when it is damaged.</summary>
    public static MembershipEntry FromDocument(MembershipEntryDocument document)
    {
        if (!Enum.TryParse<SiloStatus>(document.Status, ignoreCase: false, out var status) || !Enum.IsDefined(status))
        {
            throw new FormatException($"membership entry {document.SiloAddress}: unknown silo status '{document.Status}'");
        }

        return new MembershipEntry
        {
            SiloAddress = ParseSilo(document.SiloAddress),
            Status = status,
            SuspectTimes = document.SuspectTimes?.Select(vote => Tuple.Create(ParseSilo(vote.Suspector), Utc(vote.Time))).ToList(),
            ProxyPort = document.ProxyPort,
            HostName = document.HostName ?? "",
            SiloName = document.SiloName ?? "",
            RoleName = document.RoleName,
            UpdateZone = document.UpdateZone,
            FaultZone = document.FaultZone,
            StartTime = Utc(document.StartTime),
            IAmAliveTime = Utc(document.IAmAliveTime),
        };
    }

    /// <summary>The row key of a silo: its address in Orleans's parsable form.</summary>
    public static string Key(SiloAddress silo) => silo.ToParsableString();

    /// <summary>
    /// The most recent time anything vouched for the silo: its start, its last I-am-alive, or the
    /// latest vote against it (a fresh death declaration keeps the entry around for a while).
    /// </summary>
    public static DateTime LastUpdate(MembershipEntryDocument entry)
    {
        var latest = entry.StartTime > entry.IAmAliveTime ? entry.StartTime : entry.IAmAliveTime;
        foreach (var vote in entry.SuspectTimes ?? [])
        {
            if (vote.Time > latest)
            {
                latest = vote.Time;
            }
        }

        return DateTime.SpecifyKind(latest, DateTimeKind.Utc);
    }

    /// <summary>
    /// Whether <c>CleanupDefunctSiloEntries(<paramref name="before"/>)</c> removes the entry: any
    /// status but <c>Active</c>, not updated since <paramref name="before"/>.
    /// </summary>
    public static bool IsDefunct(MembershipEntryDocument entry, DateTimeOffset before) =>
        !string.Equals(entry.Status, nameof(SiloStatus.Active), StringComparison.Ordinal)
        && new DateTimeOffset(LastUpdate(entry)) < before;

    /// <summary>Orleans keeps membership times in UTC but does not always mark them so.</summary>
    public static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    private static SiloAddress ParseSilo(string text)
    {
        try
        {
            return SiloAddress.FromParsableString(text);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new FormatException($"membership entry: '{text}' is not a silo address", e);
        }
    }
}
