using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KeylessGeo.ControlPlane.Health;
using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.ControlPlane.Store.Integrity;

namespace KeylessGeo.ControlPlane.Tests.Health;

/// <summary>
/// The acceptance tests of store integrity: a running control plane on the embedded store whose
/// audit log loses its tail, has an entry edited, or whose state file is truncated. Readiness turns
/// false naming the problem, commits are refused with <c>store-integrity</c>, and neither file
/// changes by a single byte.
/// </summary>
public sealed class StoreIntegrityReadinessTests : IAsyncLifetime
{
    private ReadinessHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ReadinessHost.StartAsync();
        await _host.SeedAsync("eu", "eu-2");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Readyz_OnAnIntactStore_Answers200_WithTheVerifiedChain()
    {
        using var response = await _host.Client.GetAsync("/readyz");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("embedded", body.GetProperty("store").GetString());
        Assert.Equal("intact", body.GetProperty("integrity").GetString());
        Assert.Equal(3, body.GetProperty("verifiedAuditEntries").GetInt64());
        Assert.Equal(3, body.GetProperty("revision").GetInt64());
        Assert.Equal(0, body.GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public async Task AuditLogTailRemoved_ReadinessFails_CommitsAreRefused_AndNothingIsOverwritten()
    {
        var content = await File.ReadAllBytesAsync(_host.AuditPath);
        Truncate(_host.AuditPath, Array.LastIndexOf(content, (byte)'\n', content.Length - 2) + 1);

        var problem = await AssertNotReadyAsync(StoreIntegrityCodes.AuditLogChanged, _host.AuditPath);

        Assert.Equal(3, problem.GetProperty("sequence").GetInt64());
        Assert.Contains("tail was removed", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("3 entries", problem.GetProperty("expected").GetString(), StringComparison.Ordinal);
        await AssertCommitRefusedAndNothingWrittenAsync(_host.AuditPath);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task AuditEntryEdited_ReadinessFails_NamingTheEntry_AndCommitsAreRefused()
    {
        var lines = await File.ReadAllLinesAsync(_host.AuditPath);
        lines[1] = lines[1].Replace($"\"actor\":\"{ReadinessHost.Actor}\"", "\"actor\":\"mallory\"", StringComparison.Ordinal);
        await ReplaceAsync(_host.AuditPath, string.Join('\n', lines) + "\n");

        var problem = await AssertNotReadyAsync(StoreIntegrityCodes.AuditChainBroken, _host.AuditPath);

        Assert.Equal(2, problem.GetProperty("sequence").GetInt64());
        Assert.Contains("broken at entry 2", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("edited", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        await AssertCommitRefusedAndNothingWrittenAsync(_host.AuditPath);
    }

    [Fact]
    public async Task StateFileTruncated_ReadinessFails_CommitsAreRefused_AndTheStateIsNotRewrittenFromMemory()
    {
        var content = await File.ReadAllBytesAsync(_host.StatePath);
        Truncate(_host.StatePath, content.Length / 3);

        var problem = await AssertNotReadyAsync(StoreIntegrityCodes.StateFileChanged, _host.StatePath);

        Assert.Contains("revision 3", problem.GetProperty("expected").GetString(), StringComparison.Ordinal);
        Assert.Contains($"{content.Length / 3} bytes", problem.GetProperty("found").GetString(), StringComparison.Ordinal);
        await AssertCommitRefusedAndNothingWrittenAsync(_host.StatePath);
    }

    [Fact]
    public async Task ARefusedCommit_OverHttp_IsA503StoreIntegrityProblemNamingTheFile()
    {
        var content = await File.ReadAllBytesAsync(_host.StatePath);
        Truncate(_host.StatePath, content.Length / 2);

        using var response = await _host.Client.PostAsJsonAsync("/v1/policies", new { id = "later", text = "region: EU" });

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.ServiceUnavailable, ErrorCodes.StoreIntegrity);
        var error = ProblemAssert.FirstError(problem);
        Assert.Equal(_host.StatePath, error.GetProperty("field").GetString());
        Assert.Equal(StoreIntegrityCodes.StateFileChanged, error.GetProperty("code").GetString());
        Assert.Contains(_host.StatePath, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(content[..(content.Length / 2)], await File.ReadAllBytesAsync(_host.StatePath));
    }

    [Fact]
    public async Task Metrics_ReportIntegrityAndReadiness_FromTheLastCheck()
    {
        using var listener = new MeterListener();
        var values = new Dictionary<string, long>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, _host.Meters) && instrument.Meter.Name == ControlPlaneInstruments.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((i, value, _, _) => values[i.Name] = value);
        listener.SetMeasurementEventCallback<long>((i, value, _, _) => values[i.Name] = value);
        listener.Start();

        await _host.Client.GetAsync("/readyz");
        listener.RecordObservableInstruments();
        Assert.Equal(1, values[ControlPlaneInstruments.StoreIntegrity]);
        Assert.Equal(1, values[ControlPlaneInstruments.Ready]);

        await File.WriteAllTextAsync(_host.AuditPath, "");
        await _host.Client.GetAsync("/readyz");
        await Assert.ThrowsAsync<ControlPlaneException>(() => _host.CreatePolicyAsync("later"));
        listener.RecordObservableInstruments();

        Assert.Equal(0, values[ControlPlaneInstruments.StoreIntegrity]);
        Assert.Equal(0, values[ControlPlaneInstruments.Ready]);
        Assert.Equal(1, values[ControlPlaneInstruments.CommitFailing]);
        Assert.Equal(1, values[ControlPlaneInstruments.CommitFailures]);
    }

    [Fact]
    public async Task DamageDoneWhileStopped_IsFoundAtTheNextStart_WhichVerifiesTheWholeChain()
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["ControlPlane:Store:DataDirectory"] = directory.File("data"),
            ["ControlPlane:WrappingKeyPath"] = directory.File("cp.key"),
        };
        await using (var first = await ReadinessHost.StartAsync(settings))
        {
            await first.SeedAsync("eu");
        }

        var audit = Path.Combine(directory.File("data"), "audit.log");
        var lines = await File.ReadAllLinesAsync(audit);
        lines[0] = lines[0].Replace("\"topology.replace\"", "\"topology.replacE\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(audit, string.Join('\n', lines) + "\n");

        await using var restarted = await ReadinessHost.StartAsync(settings);
        var log = await restarted.WaitForLogAsync("not ready");

        Assert.Contains(StoreIntegrityCodes.AuditChainBroken, log, StringComparison.Ordinal);
        var problem = await AssertNotReadyAsync(StoreIntegrityCodes.AuditChainBroken, audit, restarted);
        Assert.Equal(1, problem.GetProperty("sequence").GetInt64());
        Assert.Equal(["eu"], (await restarted.Services.Policies.ListAsync(CancellationToken.None)).Select(p => p.Id));
    }

    [Fact]
    public async Task TheBackgroundCheck_FindsDamage_WithoutAProbe()
    {
        await using var host = await ReadinessHost.StartAsync(new Dictionary<string, string?> { ["ControlPlane:Store:IntegrityCheckInterval"] = "00:00:00.050" });
        await host.SeedAsync("eu");

        await File.WriteAllTextAsync(host.AuditPath, "");
        var log = await host.WaitForLogAsync("not ready");

        Assert.Contains(StoreIntegrityCodes.AuditLogChanged, log, StringComparison.Ordinal);
        Assert.Contains(host.AuditPath, log, StringComparison.Ordinal);
    }

    /// <summary>Cuts <paramref name="path"/> to <paramref name="length"/> bytes in one system call, as <c>truncate -s</c> does (the background check never sees a half-done edit).</summary>
    private static void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> by rename, as an editor saving the file does.</summary>
    private static async Task ReplaceAsync(string path, string text)
    {
        var temp = path + ".edit";
        await File.WriteAllTextAsync(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>GET /readyz is a 503 whose only store problem has <paramref name="code"/> and names <paramref name="location"/>; returns that problem.</summary>
    private async Task<JsonElement> AssertNotReadyAsync(string code, string location, ReadinessHost? host = null)
    {
        using var response = await (host ?? _host).Client.GetAsync("/readyz");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 503, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal("not-ready", body.GetProperty("status").GetString());
        Assert.Equal("damaged", body.GetProperty("integrity").GetString());
        var problem = Assert.Single(body.GetProperty("problems").EnumerateArray(), p => p.GetProperty("code").GetString() != ReadinessCodes.CommitFailing);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(location, problem.GetProperty("location").GetString());
        Assert.Contains(location, problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        return problem;
    }

    /// <summary>
    /// A policy change is refused with <c>store-integrity</c> naming <paramref name="damaged"/>, neither
    /// file changes, readiness then also reports the failed commit, and a second probe says the same.
    /// </summary>
    private async Task AssertCommitRefusedAndNothingWrittenAsync(string damaged)
    {
        var state = await File.ReadAllBytesAsync(_host.StatePath);
        var audit = await File.ReadAllBytesAsync(_host.AuditPath);

        var refused = await Assert.ThrowsAsync<ControlPlaneException>(() => _host.CreatePolicyAsync("later"));

        Assert.Equal(ErrorCodes.StoreIntegrity, refused.Code);
        Assert.Equal(ErrorKind.Unavailable, refused.Kind);
        Assert.Equal(damaged, Assert.Single(refused.Errors).Field);
        Assert.Contains(damaged, refused.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was written", refused.Message, StringComparison.Ordinal);
        Assert.Equal(state, await File.ReadAllBytesAsync(_host.StatePath));
        Assert.Equal(audit, await File.ReadAllBytesAsync(_host.AuditPath));

        using var response = await _host.Client.GetAsync("/readyz");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var failing = Assert.Single(body.GetProperty("problems").EnumerateArray(), p => p.GetProperty("code").GetString() == ReadinessCodes.CommitFailing);
        Assert.Contains("policy create", failing.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(ErrorCodes.StoreIntegrity, failing.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
