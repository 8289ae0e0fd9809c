using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>
/// Runs the Python grpcio client once against the real keyserver (in-process, mutual TLS) with an
/// RSA, two ECDSA and an Ed25519 key: every signing operation and an RSA decryption (unary and on one
/// stream), the transport's failure cases, and ten thousand messages on one stream. The tests verify
/// what it reports.
/// </summary>
public sealed class KeyServerClientFixture : IAsyncLifetime
{
    public const string Rsa = "interop-rsa";
    public const string EcP256 = "interop-ec";
    public const string EcP384 = "interop-ec384";
    public const string Ed25519 = "interop-ed25519";

    private InteropWorkspace? _workspace;
    private KeyServerTestHost? _host;

    public TestKeyDirectory Keys { get; } = new();

    /// <summary>The cases sent, in order (request ids are index + 1).</summary>
    public IReadOnlyList<InteropCase> Cases { get; private set; } = [];

    public JsonElement Report { get; private set; }

    public IReadOnlyList<string> ServerErrors => _host?.ErrorLogs ?? [];

    public async Task InitializeAsync()
    {
        _workspace = await InteropWorkspace.CreateAsync();
        await Task.WhenAll(
            Keys.AddAsync(Rsa, TestKeyType.Rsa2048Pkcs1),
            Keys.AddAsync(EcP256, TestKeyType.EcP256),
            Keys.AddAsync(EcP384, TestKeyType.EcP384),
            Keys.AddAsync(Ed25519, TestKeyType.Ed25519));
        Cases = await BuildCasesAsync(_workspace.Root);
        var casesPath = Path.Combine(_workspace.Root, "cases.json");
        await File.WriteAllTextAsync(casesPath, JsonSerializer.Serialize(Cases.Select(c => new Dictionary<string, string>
        {
            ["key_id"] = c.Key,
            ["operation"] = WireName(c.Operation),
            ["payload_hex"] = Convert.ToHexStringLower(c.Payload),
        })));
        _host = await KeyServerTestHost.StartAsync(Keys.Path, _workspace.Tls, new Dictionary<string, string?>
        {
            ["KeyServer:Admission:QueueLimit"] = "20000",
            // Generous: a shared two-core test machine must not turn valid requests into OVERLOADED.
            ["KeyServer:Admission:DefaultDeadline"] = "00:01:00",
        });
        var pem = _workspace.Pem;
        var result = await ExternalProcess.RunAsync(
            PythonGrpc.Python,
            [
                PythonGrpc.ScriptPath("keyserver_client.py"),
                _workspace.Stubs,
                _host.Address.Port.ToString(CultureInfo.InvariantCulture),
                pem.CaCertificate,
                pem.ClientCertificate,
                pem.ClientKey,
                pem.OtherClientCertificate,
                pem.OtherClientKey,
                pem.ExpiredClientCertificate,
                pem.ExpiredClientKey,
                casesPath,
                EcP256,
            ],
            TimeSpan.FromSeconds(300));
        result.EnsureSuccess("keyserver_client.py");
        var lastLine = result.StandardOutput.Trim().Split('\n')[^1];
        using var document = JsonDocument.Parse(lastLine);
        Report = document.RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _workspace?.Dispose();
        Keys.Dispose();
    }

    /// <summary>The proto enum value name, as Python's <c>Operation.Value</c> expects it.</summary>
    private static string WireName(Operation operation) =>
        KeyserverReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("Operation").FindValueByNumber((int)operation).Name;

    private async Task<IReadOnlyList<InteropCase>> BuildCasesAsync(string work)
    {
        var cases = new List<InteropCase>();
        foreach (var (key, operation, length, options) in OpenSslVerifyCases.For([Rsa], [EcP256, EcP384], Ed25519))
        {
            cases.Add(new InteropCase(key, operation, RandomNumberGenerator.GetBytes(length), options, Plaintext: null));
        }

        var plaintext = RandomNumberGenerator.GetBytes(48);
        var plaintextPath = Path.Combine(work, "plaintext");
        var ciphertextPath = Path.Combine(work, "ciphertext");
        await File.WriteAllBytesAsync(plaintextPath, plaintext);
        await OpenSslCli.EncryptAsync(Keys.PublicKeyPath(Rsa), plaintextPath, ciphertextPath, "-pkeyopt", "rsa_padding_mode:pkcs1");
        cases.Add(new InteropCase(Rsa, Operation.RsaDecryptPkcs1, await File.ReadAllBytesAsync(ciphertextPath), [], plaintext));
        return cases;
    }
}
