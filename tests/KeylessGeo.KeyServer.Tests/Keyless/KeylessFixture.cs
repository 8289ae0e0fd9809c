using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Authentication;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// A key folder with every key type the keyserver serves (RSA 2048/3072/4096, ECDSA
/// P-256/384/521, Ed25519) made by the openssl CLI, and the real keyserver serving it with its
/// Keyless protocol listener on a free port, shared by the Keyless end-to-end tests.
/// </summary>
public class KeylessFixture : IAsyncLifetime
{
    public const string Rsa2048 = "rsa2048";
    public const string Rsa3072 = "rsa3072";
    public const string Rsa4096 = "rsa4096";
    public const string EcP256 = "ecp256";
    public const string EcP384 = "ecp384";
    public const string EcP521 = "ecp521";
    public const string Ed25519 = "ed25519";

    public static readonly string[] RsaKeys = [Rsa2048, Rsa3072, Rsa4096];
    public static readonly string[] EcKeys = [EcP256, EcP384, EcP521];

    /// <summary>Both TLS versions the listener speaks, as theory data.</summary>
    public static TheoryData<SslProtocols> TlsVersions => new() { SslProtocols.Tls12, SslProtocols.Tls13 };

    private readonly ConcurrentDictionary<string, byte[]> _skis = new();
    private KeyServerTestHost? _host;

    public TestTlsMaterial Tls { get; } = TestTlsMaterial.Create();

    public TestKeyDirectory Keys { get; } = new();

    public KeyServerTestHost Host => _host ?? throw new InvalidOperationException("The fixture is not initialized.");

    public IPEndPoint EndPoint => Host.KeylessEndPoint ?? throw new InvalidOperationException("The Keyless listener is disabled.");

    public KeylessListenerState Listener => Host.Keyless;

    /// <summary>The <c>Keyless:Transport</c> every keyserver of this fixture runs.</summary>
    public virtual string Transport => KeylessOptions.KestrelTransport;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(
            Keys.AddAsync(Rsa2048, TestKeyType.Rsa2048Pkcs1),
            Keys.AddAsync(Rsa3072, TestKeyType.Rsa3072Pkcs1),
            Keys.AddAsync(Rsa4096, TestKeyType.Rsa4096Pkcs8),
            Keys.AddAsync(EcP256, TestKeyType.EcP256),
            Keys.AddAsync(EcP384, TestKeyType.EcP384),
            Keys.AddAsync(EcP521, TestKeyType.EcP521),
            Keys.AddAsync(Ed25519, TestKeyType.Ed25519));
        _host = await KeyServerTestHost.StartAsync(Keys.Path, Tls, new Dictionary<string, string?>
        {
            ["KeyServer:Admission:Workers"] = "2",
            ["KeyServer:Admission:QueueLimit"] = "4096",

            // Generous: a shared two-core test machine must not turn valid requests into OVERLOADED.
            ["KeyServer:Admission:DefaultDeadline"] = "00:01:00",
            ["Keyless:Transport"] = Transport,
        });
        await WarmUpAsync();
    }

    /// <summary>A connection with the trusted client certificate over <paramref name="protocol"/>.</summary>
    public Task<KeylessTestClient> ConnectAsync(SslProtocols protocol, CancellationToken cancellationToken) =>
        ConnectAsync(EndPoint, protocol, cancellationToken);

    /// <summary>A connection to <paramref name="endPoint"/> with the trusted client certificate.</summary>
    public Task<KeylessTestClient> ConnectAsync(IPEndPoint endPoint, SslProtocols protocol, CancellationToken cancellationToken) =>
        KeylessTestClient.ConnectAsync(
            endPoint,
            new KeylessTestClientOptions { TrustedCa = Tls.TrustedCa, ClientCertificate = Tls.ClientCertificate, Protocol = protocol },
            cancellationToken);

    /// <summary>The SKI of <paramref name="key"/> (read once).</summary>
    public byte[] Ski(string key) => _skis.GetOrAdd(key, Keys.Ski);

    /// <summary>A signing request for <paramref name="key"/> by SKI.</summary>
    public byte[] SignBySki(uint id, string key, KeylessOpcode opcode, byte[] payload, bool pad = true) =>
        KeylessTestClient.Encode(id, new KeylessGeo.Keyless.Codec.KeylessRequest { Opcode = opcode, Payload = payload, Ski = Ski(key) }, pad);

    /// <summary>Starts another keyserver over the same keys and certificates with extra settings.</summary>
    public Task<KeyServerTestHost> StartHostAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var all = new Dictionary<string, string?>(settings);
        all.TryAdd("KeyServer:Admission:DefaultDeadline", "00:01:00");
        all.TryAdd("KeyServer:Admission:Workers", 2.ToString(CultureInfo.InvariantCulture));
        all.TryAdd("Keyless:Transport", Transport);
        return KeyServerTestHost.StartAsync(Keys.Path, Tls, all, cancellationToken);
    }

    /// <summary>
    /// With calibration off, the first service time the core measures for an algorithm includes
    /// loading the key; a thousand pipelined requests queued behind that estimate would be
    /// refused OVERLOADED ("cannot start before deadline"). A few dozen sequential signatures per
    /// key bring every estimate down to the real cost, as calibration does in production.
    /// </summary>
    private async Task WarmUpAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var client = await ConnectAsync(SslProtocols.Tls13, timeout.Token);
        (string Key, KeylessOpcode Opcode, int Length)[] keys =
        [
            (Rsa2048, KeylessOpcode.RsaSignSha256, 32), (Rsa3072, KeylessOpcode.RsaSignSha256, 32), (Rsa4096, KeylessOpcode.RsaSignSha256, 32),
            (EcP256, KeylessOpcode.EcdsaSignSha256, 32), (EcP384, KeylessOpcode.EcdsaSignSha384, 48), (EcP521, KeylessOpcode.EcdsaSignSha512, 64),
            (Ed25519, KeylessOpcode.Ed25519Sign, 32),
        ];
        foreach (var (key, opcode, length) in keys)
        {
            for (uint i = 0; i < 40; i++)
            {
                var response = await client.ExchangeAsync(SignBySki(i, key, opcode, new byte[length]), timeout.Token);
                if (response.IsError)
                {
                    throw new InvalidOperationException($"warm-up signature with {key} failed: {response}");
                }
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Keys.Dispose();
        Tls.Dispose();
    }
}
