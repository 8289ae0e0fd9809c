using KeylessGeo.KeyServer.Testing;
using Grpc.Net.Client;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>
/// One key folder (RSA 2048 in both PEM forms, ECDSA P-256/384/521, Ed25519) made by the openssl
/// CLI, and the real keyserver serving it over mutual TLS, shared by the end-to-end tests.
/// </summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    public const string RsaPkcs1 = "rsa2048-pkcs1";
    public const string RsaPkcs8 = "rsa2048-pkcs8";
    public const string EcP256 = "ecp256";
    public const string EcP384 = "ecp384";
    public const string EcP521 = "ecp521";
    public const string Ed25519 = "ed25519";

    /// <summary>Workers of the shared keyserver.</summary>
    public const int Workers = 2;

    /// <summary>Queue limit of the shared keyserver: large, so a 1,000-request stream is never refused.</summary>
    public const int QueueLimit = 4096;

    private KeyServerTestHost? _host;
    private GrpcChannel? _channel;

    public TestTlsMaterial Tls { get; } = TestTlsMaterial.Create();

    public TestKeyDirectory Keys { get; } = new();

    public KeyServerTestHost Host => _host ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A channel with the trusted client certificate, shared by the tests.</summary>
    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        await Task.WhenAll(
            Keys.AddAsync(RsaPkcs1, TestKeyType.Rsa2048Pkcs1),
            Keys.AddAsync(RsaPkcs8, TestKeyType.Rsa2048Pkcs8),
            Keys.AddAsync(EcP256, TestKeyType.EcP256),
            Keys.AddAsync(EcP384, TestKeyType.EcP384),
            Keys.AddAsync(EcP521, TestKeyType.EcP521),
            Keys.AddAsync(Ed25519, TestKeyType.Ed25519));
        _host = await KeyServerTestHost.StartAsync(Keys.Path, Tls, new Dictionary<string, string?>
        {
            ["KeyServer:Admission:Workers"] = Workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KeyServer:Admission:QueueLimit"] = QueueLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Generous: a shared two-core test machine must not turn valid requests into OVERLOADED.
            ["KeyServer:Admission:DefaultDeadline"] = "00:00:30",
        });
        _channel = _host.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Keys.Dispose();
        Tls.Dispose();
    }
}
