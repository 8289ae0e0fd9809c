using KeylessGeo.EdgeTls.Tests.Infrastructure;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeTls.Tests;

/// <summary>
/// When the key cannot be used — keyserver stopped, agent hanging or absent — the handshake ends
/// with a TLS alert within the engine's deadline, the failure is in nginx's log with its cause,
/// and a certificate whose key is on local disk keeps working on the same nginx. A bad engine
/// setting stops nginx at start with a message naming it.
/// </summary>
[Collection(EdgeTlsCollection.Name)]
public sealed class NginxFailureTests(EdgeTlsFixture fixture)
{
    private const int DeadlineMs = 1000;


    private EdgeTlsStack Stack => fixture.Stack;

    [Fact]
    public async Task Handshake_WhenTheKeyserverIsStopped_FailsWithAnAlert_AndALocalKeyStillWorks()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var stack = await EdgeTlsStack.StartAsync(DeadlineMs, timeout.Token);
        var working = await TlsClient.OpenSslAsync(stack.Port, "ec.example.com", stack.CaCertificate, "-tls1_3");
        Assert.True(working.ExitCode == 0, working.StandardError);

        await stack.StopKeyServerAsync();

        foreach (var serverName in new[] { "ec.example.com", "rsa.example.com" })
        {
            var failed = await BoundedAsync(() => TlsClient.OpenSslAsync(stack.Port, serverName, stack.CaCertificate, "-tls1_3"));
            Assert.NotEqual(0, failed.ExitCode);
            Assert.Contains("alert", failed.StandardError, StringComparison.Ordinal);
        }

        Assert.Contains("keyserver error", stack.Nginx.Output, StringComparison.Ordinal);
        await AssertLocalKeyWorksAsync(stack.Port, stack.CaCertificate);
    }

    [Fact]
    public async Task Handshake_WhenTheAgentNeverAnswers_FailsWithAnAlertAtTheDeadline_AndALocalKeyStillWorks()
    {
        await using var agent = new SilentAgent(Path.Combine(Stack.Directory, "silent-agent.sock"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var nginx = await Stack.StartNginxAsync(Path.Combine(Stack.Directory, "nginx-silent"), agent.Path, DeadlineMs, timeout.Token);
        var port = Stack.OtherPorts[nginx];

        var failed = await BoundedAsync(() => TlsClient.OpenSslAsync(port, "ec.example.com", Stack.CaCertificate, "-tls1_3"));

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("alert", failed.StandardError, StringComparison.Ordinal);
        Assert.True(agent.RequestBytes > 0, "the engine never sent its request to the agent");
        Assert.Contains($"within {DeadlineMs} ms", nginx.Output, StringComparison.Ordinal);
        await AssertLocalKeyWorksAsync(port, Stack.CaCertificate);
    }

    [Fact]
    public async Task Handshake_WhenNoAgentListens_FailsWithAnAlert_AndALocalKeyStillWorks()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var missing = Path.Combine(Stack.Directory, "no-agent.sock");
        await using var nginx = await Stack.StartNginxAsync(Path.Combine(Stack.Directory, "nginx-no-agent"), missing, DeadlineMs, timeout.Token);
        var port = Stack.OtherPorts[nginx];

        var failed = await BoundedAsync(() => TlsClient.OpenSslAsync(port, "rsa.example.com", Stack.CaCertificate, "-tls1_3"));

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("alert", failed.StandardError, StringComparison.Ordinal);
        Assert.Contains($"cannot connect to the edge agent at {missing}", nginx.Output, StringComparison.Ordinal);
        await AssertLocalKeyWorksAsync(port, Stack.CaCertificate);
    }

    [Fact]
    public async Task RsaKeyExchange_IsNotOffered_AndTheClientGetsAnAlert()
    {
        var failed = await BoundedAsync(() => TlsClient.OpenSslAsync(Stack.Port, "rsa.example.com", Stack.CaCertificate, "-tls1_2", "-cipher", "AES128-SHA256"));

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("alert handshake failure", failed.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DEADLINE_MS = 1000", "DEADLINE_MS = 0", "DEADLINE_MS must be between 1 and 60000 milliseconds, not '0'")]
    [InlineData("DEADLINE_MS = 1000", "DEADLINE_MS = 1s", "DEADLINE_MS must be between 1 and 60000 milliseconds, not '1s'")]
    [InlineData("SOCKET_PATH = /run/keylessgeo/edge-agent.keyless.sock", "SOCKET_PATH = run/agent.sock", "SOCKET_PATH must be an absolute path, not 'run/agent.sock'")]
    public async Task Nginx_WithABadEngineSetting_RefusesToStart_NamingIt(string example, string bad, string message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var directory = Directory.CreateDirectory(Path.Combine(Stack.Directory, "nginx-bad-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var openSsl = File.ReadAllText(RepositoryPaths.NginxExample("openssl-keylessgeo.cnf"))
            .Replace("/usr/lib/keylessgeo/keylessgeo.so", RepositoryPaths.EngineLibrary, StringComparison.Ordinal)
            .Replace(example, bad, StringComparison.Ordinal);
        var nginx = NginxConfiguration.Nginx(Stack.Directory, FreePort.Next()).Replace($"pid {Stack.Directory}/nginx.pid;", $"pid {directory}/nginx.pid;", StringComparison.Ordinal);

        var (exitCode, output) = await NginxProcess.RunToExitAsync(directory, nginx, openSsl, timeout.Token);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    private static async Task AssertLocalKeyWorksAsync(int port, string caCertificate)
    {
        var local = await TlsClient.CurlAsync(port, "local.example.com", caCertificate, "--tlsv1.3");
        Assert.True(local.ExitCode == 0, local.StandardError);
        Assert.StartsWith("local key", local.StandardOutput, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> BoundedAsync(Func<Task<ProcessResult>> client) => BoundedHandshake.RunAsync(DeadlineMs, client);
}
