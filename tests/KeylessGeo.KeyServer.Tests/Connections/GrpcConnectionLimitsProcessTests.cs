using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Connections;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Grpc;
using KeylessGeo.Testing;
using KeylessGeo.Transport.Channels;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Connections;

/// <summary>
/// Issue 8's attack on the gRPC port, against the real keyserver process with a low open-file
/// limit: more idle authenticated HTTP/2 connections than it can hold, and more TCP connections
/// than it has descriptors. It must refuse the excess, close idle connections, stay up, and still sign.
/// </summary>
public sealed partial class GrpcConnectionLimitsProcessTests : IAsyncLifetime
{
    private const int DescriptorLimit = 512;
    private const int PerClient = 48;
    private const string Key = "ecp256";
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TestKeyDirectory _keys = new();
    private readonly List<(RawHttp2Client Client, long ServedAt)> _held = [];

    public async Task InitializeAsync()
    {
        // The test opens several hundred sockets of its own.
        OpenFileLimit.TryRaiseSoftLimit(out _, out _);
        await _keys.AddAsync(Key, TestKeyType.EcP256);
    }

    public async Task DisposeAsync()
    {
        foreach (var (client, _) in _held)
        {
            await client.DisposeAsync();
        }

        _keys.Dispose();
        _tls.Dispose();
    }

    [Fact]
    public async Task LowDescriptorLimit_RefusesTheExcess_ClosesIdleConnections_StaysUp_AndAFreshClientSigns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var keyserver = await KeyServerProcess.StartAsync(
            _keys.Path,
            _tls,
            new Dictionary<string, string>
            {
                ["Grpc:MaxConnectionsPerClient"] = PerClient.ToString(CultureInfo.InvariantCulture),
                ["Grpc:IdleTimeout"] = IdleTimeout.ToString("c", CultureInfo.InvariantCulture),
            },
            DescriptorLimit,
            timeout.Token);
        var budget = int.Parse((await keyserver.WaitForOutputAsync(BudgetLine(), timeout.Token)).Groups["budget"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(budget, PerClient + 16, DescriptorLimit);

        // One client asks for more than its share: the excess is closed after the handshake.
        var attacker = _tls.ClientCertificate;
        var (held, refused) = await OpenIdleAsync(keyserver, attacker, PerClient + 16, timeout.Token);
        Assert.Equal((PerClient, 16), (held, refused));

        // Meanwhile another client signs.
        using var fresh = _tls.Ca.IssueClientCertificate("edge-fresh");
        await SignAsync(keyserver, fresh, timeout.Token);

        // Enough other clients fill the descriptor budget: what it cannot hold is closed before TLS.
        var fillers = 0;
        var fillerRefusals = 0;
        while (fillerRefusals < 24)
        {
            using var filler = _tls.Ca.IssueClientCertificate("edge-filler-" + fillers++.ToString(CultureInfo.InvariantCulture));
            var (fillerHeld, fillerRefused) = await OpenIdleAsync(keyserver, filler, PerClient - 8, timeout.Token);
            fillerRefusals += fillerRefused;
            Assert.True(fillerHeld + fillerRefused == PerClient - 8);
        }

        Assert.Equal(budget, _held.Count);
        Assert.True(fillers > 1);
        Assert.True(Stopwatch.GetElapsedTime(_held.Min(h => h.ServedAt)) < IdleTimeout, "filling took longer than the idle timeout: the test cannot tell refusals from idle closes");

        // More TCP connections than the process has descriptors: each is accepted and closed at once.
        await SocketFlood.FloodAsync(keyserver.GrpcEndPoint, DescriptorLimit + 64, timeout.Token);

        Assert.False(keyserver.HasExited, "the keyserver exited:\n" + string.Join('\n', keyserver.Output));
        Assert.Equal(0, keyserver.CountOutput("Out of memory"));
        var refusalWarnings = keyserver.CountOutput("Refused a connection to grpc");
        Assert.InRange(refusalWarnings, 1, 12); // throttled: at most one per kind per 10 s

        // Idle connections are closed once the idle timeout has passed since their last exchange, not before.
        var idleFor = await Task.WhenAll(_held.Select(async h => Stopwatch.GetElapsedTime(h.ServedAt, await h.Client.Closed.WaitAsync(timeout.Token))));
        Assert.All(idleFor, idle => Assert.True(idle >= IdleTimeout - TimeSpan.FromSeconds(1), $"closed after {idle} idle"));
        Assert.All(_held, h => Assert.Equal(0, h.Client.GoAwayError));

        // The process is still up, every descriptor it lent is back, and a fresh client signs.
        Assert.False(keyserver.HasExited);
        await SignAsync(keyserver, fresh, timeout.Token);
        await SignAsync(keyserver, attacker, timeout.Token);
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
                return await TryOpenAsync(keyserver, certificate, cancellationToken);
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

    /// <summary>Connects and exchanges HTTP/2 SETTINGS; null when the server refused the connection (before or after the handshake).</summary>
    private async Task<(RawHttp2Client Client, long ServedAt)?> TryOpenAsync(KeyServerProcess keyserver, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        RawHttp2Client? client = null;
        try
        {
            client = await RawHttp2Client.ConnectAsync(keyserver.GrpcEndPoint, certificate, _tls.TrustedCa, cancellationToken);
            if (await client.WaitForSettingsAsync(cancellationToken))
            {
                return (client, Stopwatch.GetTimestamp());
            }
        }
        catch (Exception e) when (e is IOException or AuthenticationException or SocketException)
        {
            // Closed before or during the handshake.
        }

        if (client is not null)
        {
            await client.DisposeAsync();
        }

        return null;
    }

    private async Task SignAsync(KeyServerProcess keyserver, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannelFactory.Create(new ChannelSettings
        {
            Address = "https://" + keyserver.GrpcEndPoint,
            ClientCertificate = certificate,
            TrustedCa = _tls.TrustedCa,
        });
        var digest = RandomNumberGenerator.GetBytes(32);
        var response = await new KeyServerClient(channel).SignAsync(
            new SignRequest { Id = 7, Key = new KeyRef { KeyId = Key }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(digest) },
            cancellationToken: cancellationToken);

        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        using var ecdsa = _keys.LoadEcdsa(Key);
        Assert.True(ecdsa.VerifyHash(digest, response.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));
    }

    [GeneratedRegex(@"Connections may use (?<budget>\d+) file descriptors")]
    private static partial Regex BudgetLine();
}
