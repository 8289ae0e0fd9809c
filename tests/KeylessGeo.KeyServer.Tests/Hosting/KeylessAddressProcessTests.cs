using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.Hosting;

/// <summary>
/// The host's "Now listening on" lines name each endpoint for what it speaks: the gRPC endpoint is
/// https, the Keyless endpoint is keyless+tls (TLS without HTTP), never https.
/// </summary>
public sealed class KeylessAddressProcessTests
{
    [Fact]
    public async Task TheKeylessPort_IsLoggedAsKeylessOverTls_NotHttps()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var keys = new TestKeyDirectory();
        using var tls = TestTlsMaterial.Create();
        await using var keyserver = await KeyServerProcess.StartAsync(keys.Path, tls, new Dictionary<string, string>(), openFileLimit: null, timeout.Token);

        var keyless = keyserver.KeylessEndPoint;
        var listening = keyserver.Output.Where(line => line.Contains("Now listening on: ", StringComparison.Ordinal)).ToList();

        Assert.Contains(listening, line => line.EndsWith($"Now listening on: keyless+tls://{keyless}", StringComparison.Ordinal));
        Assert.Contains(listening, line => line.EndsWith($"Now listening on: https://{keyserver.GrpcEndPoint}", StringComparison.Ordinal));
        Assert.DoesNotContain(listening, line => line.EndsWith($"https://{keyless}", StringComparison.Ordinal));
    }
}
