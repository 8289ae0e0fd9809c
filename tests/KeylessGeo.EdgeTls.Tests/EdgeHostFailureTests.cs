using KeylessGeo.EdgeTls.Tests.Infrastructure;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeTls.Tests;

/// <summary>
/// Our edge host when a key cannot be used — keyserver stopped, agent silent — ends the handshake
/// with a TLS alert within the module's deadline, and a certificate whose key is on local disk keeps
/// working in the same process.
/// </summary>
[Collection(EdgeTlsCollection.Name)]
public sealed class EdgeHostFailureTests(EdgeTlsFixture fixture)
{
    private const int DeadlineMs = 1000;


    private EdgeTlsStack Stack => fixture.Stack;

    [Fact]
    public async Task Handshake_WhenTheKeyserverIsStopped_FailsWithAnAlert_AndALocalKeyStillWorks()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var stack = await EdgeTlsStack.StartAsync(DeadlineMs, timeout.Token);
        var edgeHost = await stack.EdgeHostAsync(timeout.Token);
        var working = await TlsClient.OpenSslAsync(edgeHost.Port, "ec.example.com", stack.CaCertificate, "-tls1_3");
        Assert.True(working.ExitCode == 0, working.StandardError + "\nedge host:\n" + edgeHost.Output);

        await stack.StopKeyServerAsync();

        foreach (var serverName in new[] { "ec.example.com", "rsa.example.com" })
        {
            var failed = await BoundedAsync(() => TlsClient.OpenSslAsync(edgeHost.Port, serverName, stack.CaCertificate, "-tls1_3"));
            Assert.NotEqual(0, failed.ExitCode);
            Assert.Contains("alert", failed.StandardError, StringComparison.Ordinal);
        }

        await AssertLocalKeyWorksAsync(edgeHost, stack.CaCertificate);
    }

    [Fact]
    public async Task Handshake_WhenTheAgentNeverAnswers_FailsWithAnAlertAtTheDeadline_AndALocalKeyStillWorks()
    {
        await using var agent = new SilentAgent(Path.Combine(Stack.Directory, "silent-agent-edge-host.sock"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var edgeHost = await Stack.StartEdgeHostAsync(agent.Path, DeadlineMs, timeout.Token);

        var failed = await BoundedAsync(() => TlsClient.OpenSslAsync(edgeHost.Port, "rsa.example.com", Stack.CaCertificate, "-tls1_3"));

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("alert", failed.StandardError, StringComparison.Ordinal);
        Assert.True(agent.RequestBytes > 0, "the module never sent its request to the agent");
        await AssertLocalKeyWorksAsync(edgeHost, Stack.CaCertificate);
    }

    private static async Task AssertLocalKeyWorksAsync(EdgeHostProcess edgeHost, string caCertificate)
    {
        var local = await TlsClient.CurlAsync(edgeHost.Port, "local.example.com", caCertificate, "--tlsv1.3");
        Assert.True(local.ExitCode == 0, local.StandardError + "\nedge host:\n" + edgeHost.Output);
        Assert.StartsWith("keylessgeo edge host edge-test: local.example.com over Tls13", local.StandardOutput, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> BoundedAsync(Func<Task<ProcessResult>> client) => BoundedHandshake.RunAsync(DeadlineMs, client);
}
