using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.Connections;

/// <summary>
/// Issue 8's attack on one port, against the real keyserver process with a low open-file limit:
/// more idle authenticated connections than it can hold, and more TCP connections than it has
/// descriptors. It must refuse the excess, close idle connections, stay up, and still sign. The
/// derived classes say how to hold an idle connection and how to sign on their port.
/// </summary>
/// <typeparam name="TClient">A connection the test holds open and idle.</typeparam>
public abstract partial class ConnectionLimitsProcessTests<TClient> : IAsyncLifetime
    where TClient : IAsyncDisposable
{
    /// <summary>The key the keyserver serves.</summary>
    protected const string Key = "ecp256";

    private const int DescriptorLimit = 512;
    private const int PerClient = 48;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);
    private readonly List<(TClient Client, long ServedAt)> _held = [];

    protected TestTlsMaterial Tls { get; } = TestTlsMaterial.Create();

    protected TestKeyDirectory Keys { get; } = new();

    /// <summary>The configuration section of the port's limits ("Keyless", "Grpc").</summary>
    protected abstract string Section { get; }

    /// <summary>The endpoint's name in the keyserver's refusal log ("keyless", "grpc").</summary>
    protected abstract string EndpointName { get; }

    public async Task InitializeAsync()
    {
        // The test opens several hundred sockets of its own.
        OpenFileLimit.TryRaiseSoftLimit(out _, out _);
        await Keys.AddAsync(Key, TestKeyType.EcP256);
    }

    public async Task DisposeAsync()
    {
        foreach (var (client, _) in _held)
        {
            await client.DisposeAsync();
        }

        Keys.Dispose();
        Tls.Dispose();
    }

    [Fact]
    public async Task LowDescriptorLimit_RefusesTheExcess_ClosesIdleConnections_StaysUp_AndAFreshClientSigns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var keyserver = await KeyServerProcess.StartAsync(
            Keys.Path,
            Tls,
            Settings(new Dictionary<string, string>
            {
                [$"{Section}:MaxConnectionsPerClient"] = PerClient.ToString(CultureInfo.InvariantCulture),
                [$"{Section}:IdleTimeout"] = IdleTimeout.ToString("c", CultureInfo.InvariantCulture),
            }),
            DescriptorLimit,
            timeout.Token);
        var budget = int.Parse((await keyserver.WaitForOutputAsync(BudgetLine(), timeout.Token)).Groups["budget"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(budget, PerClient + 16, DescriptorLimit);

        // One client asks for more than its share: the excess is closed after the handshake.
        var attacker = Tls.ClientCertificate;
        var (held, refused) = await OpenIdleAsync(keyserver, attacker, PerClient + 16, timeout.Token);
        Assert.Equal((PerClient, 16), (held, refused));

        // Meanwhile another client signs.
        using var fresh = Tls.Ca.IssueClientCertificate("edge-fresh");
        await SignAsync(keyserver, fresh, timeout.Token);

        // Enough other clients fill the descriptor budget: what it cannot hold is closed before TLS.
        var fillers = 0;
        var fillerRefusals = 0;
        while (fillerRefusals < 24)
        {
            using var filler = Tls.Ca.IssueClientCertificate("edge-filler-" + fillers++.ToString(CultureInfo.InvariantCulture));
            var (fillerHeld, fillerRefused) = await OpenIdleAsync(keyserver, filler, PerClient - 8, timeout.Token);
            fillerRefusals += fillerRefused;
            Assert.True(fillerHeld + fillerRefused == PerClient - 8);
        }

        Assert.Equal(budget, _held.Count);
        Assert.True(fillers > 1);
        Assert.True(Stopwatch.GetElapsedTime(_held.Min(h => h.ServedAt)) < IdleTimeout, "filling took longer than the idle timeout: the test cannot tell refusals from idle closes");

        // More TCP connections than the process has descriptors: each is accepted and closed at once.
        await SocketFlood.FloodAsync(EndPointOf(keyserver), DescriptorLimit + 64, timeout.Token);

        Assert.False(keyserver.HasExited, "the keyserver exited:\n" + string.Join('\n', keyserver.Output));
        Assert.Equal(0, keyserver.CountOutput("Out of memory"));
        var refusalWarnings = keyserver.CountOutput("Refused a connection to " + EndpointName);
        Assert.InRange(refusalWarnings, 1, 12); // throttled: at most one per kind per 10 s

        // Idle connections are closed once the idle timeout has passed since their last exchange, not before.
        var idleFor = await Task.WhenAll(_held.Select(async h => Stopwatch.GetElapsedTime(h.ServedAt, await WaitForCloseAsync(h.Client, timeout.Token))));
        Assert.All(idleFor, idle => Assert.True(idle >= IdleTimeout - TimeSpan.FromSeconds(1), $"closed after {idle} idle"));
        Assert.All(_held, h => AssertClosedAsTheProtocolSays(h.Client));

        // The process is still up, every descriptor it lent is back, and a fresh client signs.
        Assert.False(keyserver.HasExited);
        await SignAsync(keyserver, fresh, timeout.Token);
        await SignAsync(keyserver, attacker, timeout.Token);
    }

    /// <summary>The keyserver's settings for the attack, with whatever a variant adds (a transport).</summary>
    protected virtual Dictionary<string, string> Settings(Dictionary<string, string> settings) => settings;

    /// <summary>The port under attack.</summary>
    protected abstract IPEndPoint EndPointOf(KeyServerProcess keyserver);

    /// <summary>Connects and makes one exchange; null when the server refused the connection (before or after the handshake).</summary>
    protected abstract Task<TClient?> TryOpenAsync(IPEndPoint endPoint, X509Certificate2 certificate, CancellationToken cancellationToken);

    /// <summary>Signs once with <see cref="Key"/> as <paramref name="certificate"/> and verifies the signature.</summary>
    protected abstract Task SignAsync(KeyServerProcess keyserver, X509Certificate2 certificate, CancellationToken cancellationToken);

    /// <summary>Waits until the server closes <paramref name="client"/>; returns when (a <see cref="Stopwatch"/> timestamp).</summary>
    protected abstract Task<long> WaitForCloseAsync(TClient client, CancellationToken cancellationToken);

    /// <summary>Checks how the server closed an idle connection, where the protocol says more than "closed".</summary>
    protected virtual void AssertClosedAsTheProtocolSays(TClient client)
    {
    }

    /// <summary>Opens <paramref name="count"/> connections as <paramref name="certificate"/>, eight at a time, keeps those the server serves, and counts the refused ones.</summary>
    private async Task<(int Held, int Refused)> OpenIdleAsync(KeyServerProcess keyserver, X509Certificate2 certificate, int count, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(8);
        var opened = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var client = await TryOpenAsync(EndPointOf(keyserver), certificate, cancellationToken);
                return client is null ? ((TClient Client, long ServedAt)?)null : (client, Stopwatch.GetTimestamp());
            }
            finally
            {
                gate.Release();
            }
        }));

        var held = opened.Where(client => client is not null).Select(client => client!.Value).ToList();
        _held.AddRange(held);
        return (held.Count, count - held.Count);
    }

    [GeneratedRegex(@"Connections may use (?<budget>\d+) file descriptors")]
    private static partial Regex BudgetLine();
}
