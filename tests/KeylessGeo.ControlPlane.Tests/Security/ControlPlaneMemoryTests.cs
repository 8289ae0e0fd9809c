using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KeylessGeo.ControlPlane.Tests.Security;

/// <summary>
/// The real control-plane process, after importing keys through its HTTP API, holds none of their
/// private bytes and none of its own wrapping key's scalar in a form a memory dump would reveal:
/// its memory (/proc/PID/mem, read as root) is searched for every private value (big-endian, and
/// imported keys' also little-endian, as OpenSSL's BIGNUMs hold them), every line of every PEM
/// (ASCII and UTF-16) and the passphrase. It reports itself non-dumpable with no core file.
/// </summary>
public sealed class ControlPlaneMemoryTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, byte[]> _needles = [];

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ImportedPrivateKeys_LeaveNoPlaintextInTheControlPlanesMemory_AndItIsNotDumpable()
    {
        await using var process = await StartAsync();
        using var client = UnixSocketHttp.Create(_directory.File("cp.sock"));
        await SetUpAsync(client);

        using var rsa = RSA.Create(2048);
        using var rsa3072 = RSA.Create(3072);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var ed25519 = await TestKeys.Ed25519Async(_directory);
        var passphrase = "passphrase " + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var encrypted = rsa3072.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 2048));
        var seed = Der(ed25519)[^32..];
        await ImportAsync(client, "rsa-pkcs1", rsa.ExportRSAPrivateKeyPem(), passphrase: null, chunked: false, AddRsa("rsa2048", rsa.ExportParameters(true)));
        await ImportAsync(client, "p256-sec1", p256.ExportECPrivateKeyPem(), passphrase: null, chunked: true, Add("p256.d", p256.ExportParameters(true).D!));
        await ImportAsync(client, "rsa-encrypted", encrypted, passphrase, chunked: false, [.. AddRsa("rsa3072", rsa3072.ExportParameters(true)), Der(encrypted)]);
        await ImportAsync(client, "p384-pkcs8", p384.ExportPkcs8PrivateKeyPem(), passphrase: null, chunked: true, Add("p384.d", p384.ExportParameters(true).D!));
        await ImportAsync(client, "ed25519", ed25519, passphrase: null, chunked: false, Add("ed25519.seed", seed));
        _needles["passphrase (utf-8)"] = Encoding.UTF8.GetBytes(passphrase);
        _needles["passphrase (utf-16)"] = Encoding.Unicode.GetBytes(passphrase);
        AddReversed("rsa2048", rsa.ExportParameters(true));
        AddReversed("rsa3072", rsa3072.ExportParameters(true));
        AddReversed("p256.d", p256.ExportParameters(true).D!);
        AddReversed("p384.d", p384.ExportParameters(true).D!);
        using (var wrapping = ECDiffieHellman.Create())
        {
            wrapping.ImportFromPem(await File.ReadAllTextAsync(_directory.File("cp-wrapping.key")));
            _needles["control-plane wrapping key.d"] = wrapping.ExportParameters(true).D!;
        }

        // A control: public bytes the control plane certainly holds (the stored key record) must be found.
        var modulus = rsa.ExportParameters(false).Modulus!;
        var (hits, scanned) = MemoryScanner.Scan(process.Pid, new Dictionary<string, byte[]>(_needles) { ["control: rsa2048 modulus"] = modulus[..32] });

        Assert.Contains(hits, h => h.Needle.StartsWith("control:", StringComparison.Ordinal));
        var leaks = hits.Where(h => !h.Needle.StartsWith("control:", StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} secret(s) found in {scanned / (1024 * 1024)} MB of the control plane's memory:\n" + string.Join("\n", leaks.Select(h => $"  {h.Needle} at 0x{h.Address:x} in {h.Region}")));
        Assert.True(scanned > 16L * 1024 * 1024, $"only {scanned} bytes were scanned");
        Assert.Contains("Dumpable: 0 (prctl PR_GET_DUMPABLE), core file limit 0 bytes", process.Output, StringComparison.Ordinal);
        var core = File.ReadAllLines($"/proc/{process.Pid}/limits").Single(l => l.StartsWith("Max core file size", StringComparison.Ordinal));
        Assert.Equal("0", core["Max core file size".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
    }

    /// <summary>
    /// One RSA-3072 key imported in each of its forms, again and again (the first import is
    /// created, the rest are duplicates refused after the key was read): OpenSSL's PKCS#8 decoder
    /// left a freed, unzeroed copy of the whole key per candidate decoder, about 20 per import, so
    /// repeated imports fill the native heap with them. The scan also looks for the values in
    /// OpenSSL's BIGNUM byte order (little-endian).
    /// </summary>
    [Fact]
    public async Task RepeatedImportsOfOneRsaKey_InEveryForm_LeaveNoPrivateBytesInTheControlPlanesMemory()
    {
        await using var process = await StartAsync();
        using var client = UnixSocketHttp.Create(_directory.File("cp.sock"));
        await SetUpAsync(client);
        using var rsa = RSA.Create(3072);
        var passphrase = "passphrase " + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var encrypted = rsa.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 2048));
        var parameters = rsa.ExportParameters(true);
        var values = AddRsa("rsa3072", parameters);
        byte[][] ciphertext = [Der(encrypted)];
        AddReversed("rsa3072", parameters);
        _needles["passphrase (utf-8)"] = Encoding.UTF8.GetBytes(passphrase);

        await ImportAsync(client, "rsa", encrypted, passphrase, chunked: false, ciphertext);
        for (var i = 0; i < 10; i++)
        {
            await ImportAsync(client, $"encrypted-{i}", encrypted, passphrase, chunked: false, ciphertext, HttpStatusCode.Conflict);
            await ImportAsync(client, $"pkcs8-{i}", rsa.ExportPkcs8PrivateKeyPem(), passphrase: null, chunked: i % 2 == 0, values, HttpStatusCode.Conflict);
            await ImportAsync(client, $"pkcs1-{i}", rsa.ExportRSAPrivateKeyPem(), passphrase: null, chunked: false, values, HttpStatusCode.Conflict);
        }

        var modulus = parameters.Modulus!;
        var (hits, scanned) = MemoryScanner.Scan(process.Pid, new Dictionary<string, byte[]>(_needles) { ["control: rsa3072 modulus"] = modulus[..32] });

        Assert.Contains(hits, h => h.Needle.StartsWith("control:", StringComparison.Ordinal));
        var leaks = hits.Where(h => !h.Needle.StartsWith("control:", StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} secret(s) found in {scanned / (1024 * 1024)} MB of the control plane's memory after 31 imports of one key:\n" + string.Join("\n", leaks.Select(h => $"  {h.Needle} at 0x{h.Address:x} in {h.Region}")));
    }

    private async Task<ControlPlaneProcess> StartAsync()
    {
        await File.WriteAllTextAsync(_directory.File("cp.json"), JsonSerializer.Serialize(new
        {
            ControlPlane = new
            {
                Store = new { Kind = "in-memory" },
                WrappingKeyPath = _directory.File("cp-wrapping.key"),
                Listen = new { Port = -1, UnixSocket = new { Path = _directory.File("cp.sock") } },
                Access = new { Grants = new[] { new { Uid = UnixAccountsUid(), Roles = new[] { "admin" } } } },
            },
        }));
        return await ControlPlaneProcess.StartAsync(_directory.File("cp.json"), _directory.Path);
    }

    private static async Task SetUpAsync(HttpClient client)
    {
        await SendAsync(client, HttpMethod.Put, "/v1/topology", TestTopology.Json, chunked: false, HttpStatusCode.OK);
        await SendAsync(client, HttpMethod.Post, "/v1/policies", """{"id":"eu","text":"region: EU"}""", chunked: false, HttpStatusCode.Created);
    }

    private static uint UnixAccountsUid() => KeylessGeo.ControlPlane.Access.UnixAccounts.CurrentUserId();

    private async Task ImportAsync(HttpClient client, string keyId, string pem, string? passphrase, bool chunked, byte[][] secrets, HttpStatusCode expected = HttpStatusCode.Created)
    {
        AddPem(keyId + ".pem", pem, secrets);
        var body = JsonSerializer.Serialize(new { keyId, policy = "eu", privateKey = pem, passphrase });
        await SendAsync(client, HttpMethod.Post, "/v1/keys", body, chunked, expected);
    }

    private static async Task SendAsync(HttpClient client, HttpMethod method, string path, string json, bool chunked, HttpStatusCode expected)
    {
        // Chunked bodies take Kestrel's other path: decoded into a pipe of its own before the handler reads them.
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(json))) : new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(chunked, request.Headers.TransferEncodingChunked == true || content.Headers.ContentLength is null);
    }

    private byte[][] AddRsa(string name, RSAParameters key) =>
    [
        .. Add(name + ".d", key.D!), .. Add(name + ".p", key.P!), .. Add(name + ".q", key.Q!),
        .. Add(name + ".dp", key.DP!), .. Add(name + ".dq", key.DQ!), .. Add(name + ".qinv", key.InverseQ!),
    ];

    /// <summary>The private values as OpenSSL's BIGNUMs hold them on a little-endian machine (least significant byte first).</summary>
    private void AddReversed(string name, RSAParameters key)
    {
        foreach (var (field, value) in new[] { ("d", key.D!), ("p", key.P!), ("q", key.Q!), ("dp", key.DP!), ("dq", key.DQ!), ("qinv", key.InverseQ!) })
        {
            AddReversed($"{name}.{field}", value);
        }
    }

    private void AddReversed(string name, byte[] value)
    {
        var reversed = value.AsSpan().TrimStart((byte)0).ToArray();
        Array.Reverse(reversed);
        _needles[$"{name} (little-endian)"] = reversed;
    }

    private byte[][] Add(string name, byte[] secret)
    {
        _needles[name] = secret;
        return [secret];
    }

    private static byte[] Der(string pem) =>
        Convert.FromBase64String(string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));

    /// <summary>
    /// The PEM's base64 lines that encode private bytes (<paramref name="secrets"/>; a line that
    /// encodes only public bytes, such as the public point, legitimately also appears in the key's
    /// public PEM), as UTF-8 and as UTF-16 (a .NET string).
    /// </summary>
    private void AddPem(string name, string pem, byte[][] secrets)
    {
        var der = Der(pem);
        var ranges = secrets.Select(secret => der.AsSpan().IndexOf(secret) is var at and >= 0 ? (Start: at, End: at + secret.Length) : (Start: 0, End: der.Length)).ToList();
        var lines = pem.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            var (start, end) = (i * 48, (i * 48) + (lines[i].Length / 4 * 3));
            if (!ranges.Any(r => r.Start < end && start < r.End))
            {
                continue;
            }

            var label = string.Create(CultureInfo.InvariantCulture, $"{name} line {i + 1}");
            _needles[label + " (utf-8)"] = Encoding.UTF8.GetBytes(lines[i]);
            _needles[label + " (utf-16)"] = Encoding.Unicode.GetBytes(lines[i]);
        }
    }

    /// <summary>A readable stream that does not know its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
