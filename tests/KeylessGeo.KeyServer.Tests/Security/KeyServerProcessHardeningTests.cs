using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.Security;

/// <summary>
/// The keyserver process makes itself non-dumpable before it loads anything secret, and says so:
/// no core dumps, no /proc/PID/mem or ptrace for other processes of its user.
/// </summary>
public sealed class KeyServerProcessHardeningTests : IAsyncLifetime
{
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TestKeyDirectory _keys = new();

    public Task InitializeAsync() => _keys.AddAsync("hardening-ec", TestKeyType.EcP256);

    public Task DisposeAsync()
    {
        _keys.Dispose();
        _tls.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TheKeyServerProcess_ReportsDumpableZero_AndHasNoCoreFileLimit()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var keyserver = await KeyServerProcess.StartAsync(_keys.Path, _tls, new Dictionary<string, string>(), openFileLimit: null, timeout.Token);

        Assert.Contains(keyserver.Output, line => line.Contains("Dumpable: 0 (prctl PR_GET_DUMPABLE), core file limit 0 bytes", StringComparison.Ordinal));
        var limits = await File.ReadAllLinesAsync($"/proc/{keyserver.Pid}/limits", timeout.Token);
        var core = Assert.Single(limits, line => line.StartsWith("Max core file size", StringComparison.Ordinal));
        Assert.Equal("0", core.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]);
    }
}
