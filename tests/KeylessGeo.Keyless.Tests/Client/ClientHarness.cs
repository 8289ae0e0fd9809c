using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Testing;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>
/// A <see cref="ProtocolFactsServer"/> with fresh certificates and keys, and a
/// <see cref="KeylessClient"/> pointed at it. Disposing stops both and checks that the server
/// saw no protocol violation.
/// </summary>
internal sealed class ClientHarness : IAsyncDisposable
{
    /// <summary>Bounds every wait in these tests: far longer than any healthy run.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>A request timeout that never fires in a healthy run on real time.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private ClientHarness(
        Func<KeylessClientOptions, KeylessClientOptions>? configure,
        TimeProvider? time,
        Func<TestTlsMaterial, X509Certificate2>? serverCertificate,
        Func<TestTlsMaterial, X509Certificate2>? clientCertificate)
    {
        Tls = TestTlsMaterial.Create();
        Signer = new TestSigner();
        Server = new ProtocolFactsServer(Tls, Signer, serverCertificate?.Invoke(Tls));
        Options = new KeylessClientOptions
        {
            Host = "127.0.0.1",
            Port = Server.Port,
            ClientCertificate = clientCertificate?.Invoke(Tls) ?? Tls.ClientCertificate,
            TrustedCa = Tls.TrustedCa,
            ConnectionCount = 1,
        };
        Options = configure?.Invoke(Options) ?? Options;
        Client = new KeylessClient(Options, Log, time, static () => 0.0);
    }

    public TestTlsMaterial Tls { get; }

    /// <summary>What the client logged.</summary>
    public RecordingLogger Log { get; } = new();

    public TestSigner Signer { get; }

    public ProtocolFactsServer Server { get; }

    public KeylessClientOptions Options { get; }

    public KeylessClient Client { get; }

    /// <summary>Starts a server and a client (one connection unless <paramref name="configure"/> says otherwise).</summary>
    public static ClientHarness Start(
        Func<KeylessClientOptions, KeylessClientOptions>? configure = null,
        TimeProvider? time = null,
        Func<TestTlsMaterial, X509Certificate2>? serverCertificate = null,
        Func<TestTlsMaterial, X509Certificate2>? clientCertificate = null)
        => new(configure, time, serverCertificate, clientCertificate);

    /// <summary>An ECDSA-SHA256 sign request for <paramref name="digest"/>.</summary>
    public static KeylessOperationRequest EcdsaSign(byte[] digest, byte[]? ski = null)
        => new() { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digest, Ski = ski ?? ReadOnlyMemory<byte>.Empty };

    /// <summary>A random 32-byte digest.</summary>
    public static byte[] Digest() => RandomNumberGenerator.GetBytes(32);

    /// <summary>A digest whose first byte marks it for scripts (e.g. "hold this one").</summary>
    public static byte[] Digest(byte marker)
    {
        var digest = Digest();
        digest[0] = marker;
        return digest;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().AsTask().WaitAsync(Bound);
        await Server.DisposeAsync();
        var violations = Server.Violations;
        Signer.Dispose();
        Tls.Dispose();
        Assert.Empty(violations);
    }
}
