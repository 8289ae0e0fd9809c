using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Keyless;
using Microsoft.Extensions.DependencyInjection;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Keys.Pkcs11;

/// <summary>
/// The real keyserver serving keys generated inside a SoftHSM2 token (non-extractable), reached
/// through <c>pkcs11:</c> URIs, over gRPC and the Keyless protocol, with signatures checked by
/// the openssl CLI against the public keys pkcs11-tool exports.
/// </summary>
[Collection(Pkcs11Collection.Name)]
public sealed class Pkcs11EndToEndTests : IAsyncLifetime
{
    private const string Token = "keyserver-t1";
    private const string Pin = "4711-pin-secret";
    private const string RsaLabel = "hsm-rsa";
    private const string EcLabel = "hsm-ec";
    private const string FileKey = "file-ec";
    private readonly TestTlsMaterial _tls = TestTlsMaterial.Create();
    private readonly TestKeyDirectory _files = new();

    // Warnings and above from the keyserver, shown when an assertion fails.
    private readonly CollectingLoggerProvider _logs = new(Microsoft.Extensions.Logging.LogLevel.Warning);
    private SoftHsm _hsm = null!;
    private string _work = null!;
    private string _pinFile = null!;

    public async Task InitializeAsync()
    {
        _hsm = SoftHsm.Create();
        _work = Directory.CreateDirectory(Path.Combine(_hsm.Root, "work")).FullName;
        _pinFile = Path.Combine(_hsm.Root, "pin");
        await File.WriteAllTextAsync(_pinFile, Pin + "\n");
        await _hsm.InitTokenAsync(Token, Pin);
        await _hsm.GenerateKeyAsync(Token, Pin, "rsa:2048", RsaLabel, "01");
        await _hsm.GenerateKeyAsync(Token, Pin, "EC:prime256v1", EcLabel, "02");
        await _files.AddAsync(FileKey, TestKeyType.EcP256);
    }

    public Task DisposeAsync()
    {
        _hsm.Dispose();
        _files.Dispose();
        _tls.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TokenKeys_AreGeneratedInsideTheTokenAndNeverExtractable()
    {
        var objects = await _hsm.ListObjectsAsync(Token, Pin);

        // Both private keys: sensitive, never extractable, generated on the token.
        Assert.Equal(2, CountOccurrences(objects, "never extractable"));
        Assert.Equal(2, CountOccurrences(objects, "Private Key Object"));
    }

    [Fact]
    public async Task Sign_WithTokenKeys_OverGrpcAndKeyless_ProducesSignaturesOpenSslVerifies()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var publicKeys = new Dictionary<string, string>
        {
            [RsaLabel] = await _hsm.ExportPublicKeyAsync(Token, RsaLabel),
            [EcLabel] = await _hsm.ExportPublicKeyAsync(Token, EcLabel),
        };
        await using var host = await StartAsync(
            $"pkcs11:token={Token};object={RsaLabel};type=private?module-path={SoftHsm.ModulePath}&pin-source=file:{_pinFile}",
            $"pkcs11:token={Token};id=%02?module-name=softhsm2&pin-source=file://{_pinFile}");
        var client = new KeyServerClient(host.CreateChannel());
        await using var keyless = await ConnectKeylessAsync(host, timeout.Token);

        var checkedCount = 0;
        uint id = 1;
        foreach (var (key, operation, length, options) in OpenSslVerifyCases.For([RsaLabel], [EcLabel], "none"))
        {
            if (operation == Operation.Ed25519)
            {
                continue;
            }

            var payload = RandomNumberGenerator.GetBytes(length);
            var overGrpc = await client.SignAsync(
                new SignRequest { Id = id, Key = new KeyRef { KeyId = key }, Operation = operation, Payload = ByteString.CopyFrom(payload) },
                cancellationToken: timeout.Token);
            Assert.True(overGrpc.OutcomeCase == SignResponse.OutcomeOneofCase.Result, $"{key} {operation}: {overGrpc}\n{Logs}");
            Assert.True(await VerifyAsync(publicKeys[key], payload, overGrpc.Result.ToByteArray(), options), $"openssl rejected the gRPC {operation} signature of {key}");

            var overKeyless = await keyless.ExchangeAsync(
                KeylessTestClient.Encode(++id, new KeylessRequest { Opcode = OperationOpcodes.OpcodeOf(operation)!.Value, Payload = payload, Ski = SoftHsm.Ski(publicKeys[key]) }),
                timeout.Token);
            Assert.False(overKeyless.IsError, $"{key} {operation} over Keyless: {overKeyless}");
            Assert.True(await VerifyAsync(publicKeys[key], payload, overKeyless.Payload, options), $"openssl rejected the Keyless {operation} signature of {key}");

            // The same check fails for other input, or the assertions above prove nothing.
            payload[0] ^= 1;
            Assert.False(await VerifyAsync(publicKeys[key], payload, overKeyless.Payload, options));
            checkedCount++;
            id++;
        }

        Assert.Equal(15, checkedCount);
        Assert.Empty(host.ErrorLogs);
    }

    [Fact]
    public async Task Decrypt_WithTokenRsaKey_RecoversWhatOpenSslEncryptedAndRejectsGarbageLikeAFileKey()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var publicKey = await _hsm.ExportPublicKeyAsync(Token, RsaLabel);
        await _files.AddAsync("file-rsa", TestKeyType.Rsa2048Pkcs8);
        await using var host = await StartAsync($"pkcs11:token={Token};object={RsaLabel}?module-name=softhsm2&pin-value={Pin}");
        var client = new KeyServerClient(host.CreateChannel());

        var plaintext = RandomNumberGenerator.GetBytes(48);
        var pkcs1 = await EncryptAsync(publicKey, plaintext, "pkcs1");
        var decrypted = await SignAsync(client, RsaLabel, Operation.RsaDecryptPkcs1, pkcs1, timeout.Token);
        Assert.True(decrypted.OutcomeCase == SignResponse.OutcomeOneofCase.Result, decrypted.ToString());
        Assert.Equal(plaintext, decrypted.Result.ToByteArray());

        var block = RandomNumberGenerator.GetBytes(256);
        block[0] = 0;
        block[1] = 0; // leading zeros the token may drop: the answer still has the modulus length
        var raw = await EncryptAsync(publicKey, block, "none");
        var rawResult = await SignAsync(client, RsaLabel, Operation.RsaDecryptRaw, raw, timeout.Token);
        Assert.True(rawResult.OutcomeCase == SignResponse.OutcomeOneofCase.Result, rawResult.ToString());
        Assert.Equal(block, rawResult.Result.ToByteArray());

        // A ciphertext that is not PKCS#1: the same error code a key file gives.
        var garbage = RandomNumberGenerator.GetBytes(256);
        garbage[0] = 0;
        var fromToken = await SignAsync(client, RsaLabel, Operation.RsaDecryptPkcs1, garbage, timeout.Token);
        var fromFile = await SignAsync(client, "file-rsa", Operation.RsaDecryptPkcs1, garbage, timeout.Token);
        Assert.Equal(ErrorCode.CryptoFailure, fromFile.Error?.Code);
        Assert.True(fromFile.Error?.Code == fromToken.Error?.Code, $"token: {fromToken}\n{Logs}");
    }

    [Fact]
    public async Task Requests_ForATokenWhosePinIsWrong_AreInternalWhileOtherKeysServe()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _hsm.InitTokenAsync("keyserver-t2", "2222");
        await _hsm.GenerateKeyAsync("keyserver-t2", "2222", "EC:prime256v1", "locked-ec", "07");
        var lockedPublicKey = await _hsm.ExportPublicKeyAsync("keyserver-t2", "locked-ec");
        Environment.SetEnvironmentVariable("KEYLESSGEO_TEST_WRONG_PIN", "9999");
        try
        {
            await using var host = await StartAsync(
                $"pkcs11:token={Token}?module-name=softhsm2&pin-source=file:{_pinFile}",
                "pkcs11:token=keyserver-t2?module-name=softhsm2&pin-source=env:KEYLESSGEO_TEST_WRONG_PIN");
            var client = new KeyServerClient(host.CreateChannel());
            await using var keyless = await ConnectKeylessAsync(host, timeout.Token);
            var digest = RandomNumberGenerator.GetBytes(32);

            // The locked token's key is known (from its public key object), so it is INTERNAL, not KEY_NOT_FOUND.
            var locked = await SignAsync(client, "locked-ec", Operation.EcdsaSha256, digest, timeout.Token);
            Assert.Equal(ErrorCode.Internal, locked.Error?.Code);
            var lockedKeyless = await keyless.ExchangeAsync(
                KeylessTestClient.Encode(1, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digest, Ski = SoftHsm.Ski(lockedPublicKey) }), timeout.Token);
            Assert.True(lockedKeyless.IsError);
            Assert.Equal(KeylessError.InternalError, lockedKeyless.Error);

            // The same connection keeps working: the other token's keys and the key files serve.
            var goodSki = SoftHsm.Ski(await _hsm.ExportPublicKeyAsync(Token, EcLabel));
            var good = await keyless.ExchangeAsync(
                KeylessTestClient.Encode(2, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digest, Ski = goodSki }), timeout.Token);
            Assert.False(good.IsError, good.ToString());
            var file = await SignAsync(client, FileKey, Operation.EcdsaSha256, digest, timeout.Token);
            Assert.True(file.OutcomeCase == SignResponse.OutcomeOneofCase.Result, file.ToString());
            var unknown = await SignAsync(client, "no-such-key", Operation.EcdsaSha256, digest, timeout.Token);
            Assert.Equal(ErrorCode.KeyNotFound, unknown.Error?.Code);
            Assert.DoesNotContain(host.ErrorLogs, entry => entry.Contains("9999", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("KEYLESSGEO_TEST_WRONG_PIN", null);
        }
    }

    [Fact]
    public async Task Requests_WhileTheTokenIsRemoved_AreInternal_AndOtherKeysServe()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ski = SoftHsm.Ski(await _hsm.ExportPublicKeyAsync(Token, EcLabel));
        await using var host = await StartAsync($"pkcs11:token={Token}?module-name=softhsm2&pin-source=file:{_pinFile}");
        var client = new KeyServerClient(host.CreateChannel());
        await using var keyless = await ConnectKeylessAsync(host, timeout.Token);
        var digest = RandomNumberGenerator.GetBytes(32);
        var before = await SignAsync(client, EcLabel, Operation.EcdsaSha256, digest, timeout.Token);
        Assert.True(before.OutcomeCase == SignResponse.OutcomeOneofCase.Result, before.ToString());

        // SoftHSM2's way of pulling the token: its folder disappears under the running module.
        var tokenFolder = Directory.GetDirectories(_hsm.TokenDirectory).Single();
        Directory.Move(tokenFolder, tokenFolder + ".removed");
        var removed = await SignAsync(client, EcLabel, Operation.EcdsaSha256, digest, timeout.Token);
        Assert.True(removed.Error?.Code == ErrorCode.Internal, $"{removed}\n{Logs}");
        var overKeyless = await keyless.ExchangeAsync(
            KeylessTestClient.Encode(1, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digest, Ski = ski }), timeout.Token);
        Assert.Equal(KeylessError.InternalError, overKeyless.Error);

        // The connection and the key files are unaffected.
        var fileSki = _files.Ski(FileKey);
        var file = await keyless.ExchangeAsync(
            KeylessTestClient.Encode(2, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digest, Ski = fileSki }), timeout.Token);
        Assert.False(file.IsError, file.ToString());

        // A reload while the token is away keeps its keys known: still INTERNAL, not KEY_NOT_FOUND.
        host.Services.GetRequiredService<KeyStore>().ReloadDirectory();
        var afterReload = await SignAsync(client, EcLabel, Operation.EcdsaSha256, digest, timeout.Token);
        Assert.True(afterReload.Error?.Code == ErrorCode.Internal, $"{afterReload}\n{Logs}");
        Assert.DoesNotContain(Pin, Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_AfterAWrongPinIsCorrected_ServeAgainOnReload()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await File.WriteAllTextAsync(_pinFile, "wrong-pin-0000\n");
        await using var host = await StartAsync($"pkcs11:token={Token}?module-name=softhsm2&pin-source=file:{_pinFile}");
        var client = new KeyServerClient(host.CreateChannel());
        var digest = RandomNumberGenerator.GetBytes(32);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var refused = await SignAsync(client, EcLabel, Operation.EcdsaSha256, digest, timeout.Token);
            Assert.True(refused.Error?.Code == ErrorCode.Internal, $"{refused}\n{Logs}");
        }

        // The token saw the wrong PIN once: retries do not offer it again (a real HSM may lock).
        Assert.True(_logs.Messages.Count(entry => entry.Contains("Error: PKCS#11 token", StringComparison.Ordinal) && entry.Contains("cannot be opened: C_Login returned CKR_PIN_INCORRECT", StringComparison.Ordinal)) == 1, Logs);

        // The operator fixes the PIN file and sends SIGHUP (here: the reload it triggers).
        await File.WriteAllTextAsync(_pinFile, Pin + "\n");
        host.Services.GetRequiredService<KeyStore>().ReloadDirectory();

        var signed = await SignAsync(client, EcLabel, Operation.EcdsaSha256, digest, timeout.Token);
        Assert.True(signed.OutcomeCase == SignResponse.OutcomeOneofCase.Result, $"{signed}\n{Logs}");
        Assert.DoesNotContain("wrong-pin-0000", Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_IndexesAKeyAddedToTheToken()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var host = await StartAsync($"pkcs11:token={Token}?module-name=softhsm2&pin-source=file:{_pinFile}");
        var client = new KeyServerClient(host.CreateChannel());
        var digest = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(ErrorCode.KeyNotFound, (await SignAsync(client, "added-ec", Operation.EcdsaSha256, digest, timeout.Token)).Error?.Code);

        await _hsm.GenerateKeyAsync(Token, Pin, "EC:secp384r1", "added-ec", "09");
        host.Services.GetRequiredService<KeyStore>().ReloadDirectory();

        var signed = await SignAsync(client, "added-ec", Operation.EcdsaSha384, RandomNumberGenerator.GetBytes(48), timeout.Token);
        Assert.True(signed.OutcomeCase == SignResponse.OutcomeOneofCase.Result, signed.ToString());
        var stillThere = await SignAsync(client, RsaLabel, Operation.RsaPssSha256, digest, timeout.Token);
        Assert.True(stillThere.OutcomeCase == SignResponse.OutcomeOneofCase.Result, stillThere.ToString());
    }

    [Fact]
    public async Task AKeyDeletedFromTheToken_IsInternalUntilTheReload_ThenNotFound()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var host = await StartAsync($"pkcs11:token={Token}?module-name=softhsm2&pin-source=file:{_pinFile}");
        var client = new KeyServerClient(host.CreateChannel());
        var digest = RandomNumberGenerator.GetBytes(32);
        var before = await SignAsync(client, EcLabel, Operation.EcdsaSha256, digest, timeout.Token);
        Assert.True(before.OutcomeCase == SignResponse.OutcomeOneofCase.Result, before.ToString());

        await _hsm.DeleteKeyAsync(Token, Pin, EcLabel);
        var deleted = await SignAsync(client, EcLabel, Operation.EcdsaSha256, digest, timeout.Token);
        Assert.True(deleted.Error?.Code == ErrorCode.Internal, $"{deleted}\n{Logs}");

        host.Services.GetRequiredService<KeyStore>().ReloadDirectory();
        var afterReload = await SignAsync(client, EcLabel, Operation.EcdsaSha256, digest, timeout.Token);
        Assert.Equal(ErrorCode.KeyNotFound, afterReload.Error?.Code);
        var other = await SignAsync(client, RsaLabel, Operation.RsaPkcs1Sha256, digest, timeout.Token);
        Assert.True(other.OutcomeCase == SignResponse.OutcomeOneofCase.Result, other.ToString());
    }

    [Fact]
    public async Task ConcurrentRequests_BeyondTheSessionLimit_AllSucceed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var host = await StartAsync(
            [$"pkcs11:token={Token};object={EcLabel}?module-name=softhsm2&pin-source=file:{_pinFile}"],
            new Dictionary<string, string?> { ["KeyServer:Pkcs11:MaxSessionsPerToken"] = "2", ["KeyServer:Admission:Workers"] = "4" });
        var client = new KeyServerClient(host.CreateChannel());
        var publicKey = await _hsm.ExportPublicKeyAsync(Token, EcLabel);

        var digests = Enumerable.Range(0, 64).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var responses = await Task.WhenAll(digests.Select(digest => SignAsync(client, EcLabel, Operation.EcdsaSha256, digest, timeout.Token)));

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(await File.ReadAllTextAsync(publicKey, timeout.Token));
        for (var i = 0; i < digests.Length; i++)
        {
            Assert.True(responses[i].OutcomeCase == SignResponse.OutcomeOneofCase.Result, responses[i].ToString());
            Assert.True(ecdsa.VerifyHash(digests[i], responses[i].Result.Span, DSASignatureFormat.Rfc3279DerSequence));
        }
    }

    private string Logs => string.Join("\n", _logs.Messages);

    private Task<KeyServerTestHost> StartAsync(params string[] uris) => StartAsync(uris, null);

    private async Task<KeyServerTestHost> StartAsync(string[] uris, IReadOnlyDictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?> { ["KeyServer:Pkcs11:RetryInterval"] = "00:00:00" };
        for (var i = 0; i < uris.Length; i++)
        {
            settings[$"KeyServer:Pkcs11:Uris:{i}"] = uris[i];
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return await KeyServerTestHost.StartAsync(_files.Path, _tls, new KeyServerTestHostOptions { Settings = settings, LoggerProviders = [_logs] });
    }

    private Task<KeylessTestClient> ConnectKeylessAsync(KeyServerTestHost host, CancellationToken cancellationToken) =>
        KeylessTestClient.ConnectAsync(
            host.KeylessEndPoint!,
            new KeylessTestClientOptions { TrustedCa = _tls.TrustedCa, ClientCertificate = _tls.ClientCertificate },
            cancellationToken);

    private static async Task<SignResponse> SignAsync(KeyServerClient client, string key, Operation operation, byte[] payload, CancellationToken cancellationToken) =>
        await client.SignAsync(
            new SignRequest { Id = 3, Key = new KeyRef { KeyId = key }, Operation = operation, Payload = ByteString.CopyFrom(payload) },
            cancellationToken: cancellationToken);

    private async Task<bool> VerifyAsync(string publicKey, byte[] input, byte[] signature, string[] options)
    {
        var inputPath = Path.Combine(_work, "input");
        var signaturePath = Path.Combine(_work, "signature");
        await File.WriteAllBytesAsync(inputPath, input);
        await File.WriteAllBytesAsync(signaturePath, signature);
        return await OpenSslCli.VerifyAsync(publicKey, inputPath, signaturePath, options);
    }

    private async Task<byte[]> EncryptAsync(string publicKey, byte[] plaintext, string padding)
    {
        var input = Path.Combine(_work, "plaintext");
        var output = Path.Combine(_work, "ciphertext");
        await File.WriteAllBytesAsync(input, plaintext);
        await OpenSslCli.EncryptAsync(publicKey, input, output, "-pkeyopt", "rsa_padding_mode:" + padding);
        return await File.ReadAllBytesAsync(output);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
