using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Real TLS handshakes through the edge hosts, with .NET's <see cref="SslStream"/> as the client
/// (OpenSSL underneath): the server name selects the certificate, the chain is validated against
/// the demo CA only (and the name checked), session resumption is off so every handshake needs the
/// server's private key, and an HTTP request on the connection checks which edge host answered. A
/// completed handshake proves the server had the key's signature: the key itself is only in keyservers.
/// </summary>
public sealed class DemoHandshakes : IDisposable
{
    /// <summary>Timed handshakes per row, after the first one.</summary>
    public const int TimedHandshakes = 4;

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan SettlePatience = TimeSpan.FromSeconds(30);
    private readonly X509Certificate2 _ca;
    private readonly DemoSigningCounts _counts;

    public DemoHandshakes(DemoMaterial material, DemoSigningCounts counts)
    {
        ArgumentNullException.ThrowIfNull(material);
        _ca = X509Certificate2.CreateFromPem(File.ReadAllText(material.Tls("ca.crt")));
        _counts = counts;
    }

    /// <summary>The TLS versions each certificate is tried with, with their column text.</summary>
    public static IReadOnlyList<(SslProtocols Protocol, string Text)> Versions { get; } = [(SslProtocols.Tls13, "TLS 1.3"), (SslProtocols.Tls12, "TLS 1.2")];

    /// <summary>
    /// The row for <paramref name="keyId"/>'s certificate through <paramref name="host"/> with
    /// <paramref name="version"/>: a first handshake (retried while the path settles), then
    /// <see cref="TimedHandshakes"/> timed ones, with the keyservers' operation counts read around them.
    /// </summary>
    public async Task<DemoHandshakeResult> RowAsync(
        DemoEdgeHostNode host, string keyId, string policy, IReadOnlyCollection<string> permitted, (SslProtocols Protocol, string Text) version, CancellationToken cancellationToken)
    {
        var name = DemoMaterial.ServerNameOf(keyId);
        var entry = host.Datacenter.Id;
        DemoHandshakeResult Failed(string error) => new(name, keyId, policy, entry, version.Text, null, [], TimeSpan.Zero, 0, 0, 0, error);

        var first = await SettleAsync(host, name, version.Protocol, cancellationToken);
        if (first.Error is { } settleError)
        {
            return Failed(settleError);
        }

        var before = await _counts.ReadAsync(cancellationToken);
        var latencies = new List<TimeSpan>(TimedHandshakes);
        var (verified, cipher) = (0, first.Cipher);
        for (var i = 0; i < TimedHandshakes; i++)
        {
            var attempt = await HandshakeAsync(host, name, version.Protocol, cancellationToken);
            if (attempt.Error is { } error)
            {
                return Failed($"handshake {i + 1}: {error}");
            }

            latencies.Add(attempt.Elapsed);
            verified += attempt.Verified ? 1 : 0;
            cipher = attempt.Cipher;
        }

        var signers = DemoSigningCounts.Difference(before, await _counts.ReadAsync(cancellationToken))
            .Select(s => (s.Keyserver.Datacenter.KeyserverId, s.Keyserver.Datacenter.Id, s.Operations)).ToList();
        var outside = signers.Where(s => !permitted.Contains(s.Id)).Sum(s => s.Operations);
        latencies.Sort();
        return new DemoHandshakeResult(name, keyId, policy, entry, version.Text, cipher, signers, latencies[latencies.Count / 2], TimedHandshakes, verified, outside, null);
    }

    public void Dispose() => _ca.Dispose();

    /// <summary>Handshakes until one completes, or gives the last error after <see cref="SettlePatience"/>.</summary>
    private async Task<Attempt> SettleAsync(DemoEdgeHostNode host, string name, SslProtocols protocol, CancellationToken cancellationToken)
    {
        var giveUp = DateTimeOffset.UtcNow + SettlePatience;
        while (true)
        {
            var attempt = await HandshakeAsync(host, name, protocol, cancellationToken);
            if (attempt.Error is null || DateTimeOffset.UtcNow > giveUp)
            {
                return attempt;
            }

            host.Process.ThrowIfExited();
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private async Task<Attempt> HandshakeAsync(DemoEdgeHostNode host, string name, SslProtocols protocol, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(HandshakeTimeout);
        var errors = SslPolicyErrors.None;
        var chain = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        chain.CustomTrustStore.Add(_ca);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = name,
            EnabledSslProtocols = protocol,
            // Every handshake a full one: a resumed session would not need the server's key.
            AllowTlsResume = false,
            CertificateChainPolicy = chain,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, _, _, found) =>
            {
                errors = found;
                return found == SslPolicyErrors.None;
            },
        };
        try
        {
            using var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
            await tcp.ConnectAsync(IPAddress.Loopback, host.TlsPort, deadline.Token);
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            var clock = Stopwatch.StartNew();
            await tls.AuthenticateAsClientAsync(options, deadline.Token);
            var elapsed = clock.Elapsed;
            var cipher = tls.NegotiatedCipherSuite.ToString();
            var answer = await GetAsync(tls, name, deadline.Token);
            var fromHost = answer.Contains($"keylessgeo edge host {host.Datacenter.EdgeHostId}: {name} ", StringComparison.Ordinal);
            return new Attempt(elapsed, cipher, errors == SslPolicyErrors.None && fromHost,
                fromHost ? null : $"the answer did not come from {host.Datacenter.EdgeHostId} for {name}: '{answer.Trim()}'");
        }
        catch (AuthenticationException ex)
        {
            return Attempt.Failed(errors != SslPolicyErrors.None ? $"certificate not valid for {name} under the demo CA ({errors})" : $"handshake failed ({Inner(ex)})");
        }
        catch (Exception ex) when (ex is IOException or SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Attempt.Failed(ex is OperationCanceledException ? $"no handshake within {HandshakeTimeout.TotalSeconds:F0} s" : $"connection failed ({Inner(ex)})");
        }
    }

    private static async Task<string> GetAsync(SslStream tls, string name, CancellationToken cancellationToken)
    {
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n"), cancellationToken);
        using var reader = new StreamReader(tls, Encoding.UTF8, leaveOpen: true);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static string Inner(Exception ex) => ex.InnerException is { } inner ? $"{ex.Message}: {inner.Message}" : ex.Message;

    private sealed record Attempt(TimeSpan Elapsed, string? Cipher, bool Verified, string? Error)
    {
        public static Attempt Failed(string error) => new(TimeSpan.Zero, null, false, error);
    }
}
