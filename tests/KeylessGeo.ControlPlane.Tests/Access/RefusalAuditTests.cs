using System.Net;
using System.Net.Http.Json;

namespace KeylessGeo.ControlPlane.Tests.Access;

/// <summary>
/// A flood of refused requests cannot grow the store faster than one audit entry per interval,
/// each with a bounded number of rows, and every refusal is still counted.
/// </summary>
public sealed class RefusalAuditTests
{
    [Fact]
    public async Task AFloodOfRefusals_IsOneEntryAtOnce_ThenOneAggregatedEntryPerInterval_WithBoundedRows()
    {
        var time = new ManualTimerProvider();
        await using var host = await ApiHost.StartAsync(time: time, settings: new Dictionary<string, string?>
        {
            ["ControlPlane:Listen:PlaintextPort"] = "0",
            ["ControlPlane:Access:RefusalAuditInterval"] = "00:00:10",
            ["ControlPlane:Access:RefusalAuditMaxRows"] = "3",
            ["ControlPlane:Store:IntegrityCheckInterval"] = "1.00:00:00", // its timer must not be due within the test's ten seconds
        });
        var start = time.GetUtcNow();
        using var anonymous = host.CreatePlaintextClient();

        // The first refusal after a quiet interval is written at once.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/policies", new { id = "p", text = "all" })).StatusCode);
        var first = await RefusalEntries.WaitForAsync(host.Store, 1);
        Assert.Equal(1, first.Entries);

        // Within the interval, refusals are only counted: nothing is committed until the clock moves.
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"/v1/policies/p{i % 5}")).StatusCode);
        }

        Assert.True(SpinWait.SpinUntil(() => time.TimersDueBy(start + TimeSpan.FromSeconds(10)) == 1, TimeSpan.FromSeconds(10)), "the next audit write was not scheduled");
        Assert.Equal(1, await host.Store.GetRevisionAsync(CancellationToken.None));

        time.Advance(TimeSpan.FromSeconds(10));
        var (rows, omitted, entries) = await RefusalEntries.WaitForAsync(host.Store, 201);

        Assert.Equal(2, entries);
        Assert.Equal(2, await host.Store.GetRevisionAsync(CancellationToken.None));
        var second = rows.Where(r => r.Sequence == 2).ToList();
        Assert.Equal(3, second.Count);
        Assert.Equal(["/v1/policies/p0", "/v1/policies/p1", "/v1/policies/p2"], second.Select(r => r.Path));
        Assert.All(second, r => Assert.Equal(40, r.Count));
        Assert.Equal(80, omitted);
        Assert.Equal(0, time.TimersDueBy(time.GetUtcNow() + TimeSpan.FromSeconds(10)));
    }
}
