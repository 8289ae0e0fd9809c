using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.Crypto;

/// <summary>Every operation on every key type it applies to, checked by the openssl CLI.</summary>
[Collection(TestKeysCollection.Name)]
public sealed class OperationVerificationTests : IDisposable
{
    private readonly TestKeys _keys;
    private readonly KeyServerHarness _server;
    private readonly TempDirectory _work = new();

    public OperationVerificationTests(TestKeys keys)
    {
        _keys = keys;
        _server = new KeyServerHarness(keys.Directory);
    }

    public static TheoryData<string, Operation, int, string[]> Signatures()
    {
        var data = new TheoryData<string, Operation, int, string[]>();
        foreach (var key in TestKeys.RsaKeys)
        {
            data.Add(key, Operation.RsaPkcs1Md5Sha1, 36, ["-pkeyopt", "rsa_padding_mode:pkcs1"]);
            data.Add(key, Operation.RsaPkcs1Sha1, 20, ["-pkeyopt", "rsa_padding_mode:pkcs1", "-pkeyopt", "digest:sha1"]);
            data.Add(key, Operation.RsaPkcs1Sha224, 28, ["-pkeyopt", "rsa_padding_mode:pkcs1", "-pkeyopt", "digest:sha224"]);
            data.Add(key, Operation.RsaPkcs1Sha256, 32, ["-pkeyopt", "rsa_padding_mode:pkcs1", "-pkeyopt", "digest:sha256"]);
            data.Add(key, Operation.RsaPkcs1Sha384, 48, ["-pkeyopt", "rsa_padding_mode:pkcs1", "-pkeyopt", "digest:sha384"]);
            data.Add(key, Operation.RsaPkcs1Sha512, 64, ["-pkeyopt", "rsa_padding_mode:pkcs1", "-pkeyopt", "digest:sha512"]);
            data.Add(key, Operation.RsaPssSha256, 32, Pss("sha256"));
            data.Add(key, Operation.RsaPssSha384, 48, Pss("sha384"));
            data.Add(key, Operation.RsaPssSha512, 64, Pss("sha512"));
        }

        foreach (var key in TestKeys.EcKeys)
        {
            data.Add(key, Operation.EcdsaMd5Sha1, 36, []);
            data.Add(key, Operation.EcdsaSha1, 20, ["-pkeyopt", "digest:sha1"]);
            data.Add(key, Operation.EcdsaSha224, 28, ["-pkeyopt", "digest:sha224"]);
            data.Add(key, Operation.EcdsaSha256, 32, ["-pkeyopt", "digest:sha256"]);
            data.Add(key, Operation.EcdsaSha384, 48, ["-pkeyopt", "digest:sha384"]);
            data.Add(key, Operation.EcdsaSha512, 64, []);
        }

        data.Add(TestKeys.Ed25519, Operation.Ed25519, 64, ["-rawin"]);
        data.Add(TestKeys.Ed25519, Operation.Ed25519, 300, ["-rawin"]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Signatures))]
    public async Task Sign_OutputVerifiesWithOpenSsl(string key, Operation operation, int payloadLength, string[] verifyOptions)
    {
        var payload = RandomNumberGenerator.GetBytes(payloadLength);
        var response = await _server.SignAsync(key, operation, payload, id: 42);

        Assert.Null(response.Error);
        Assert.Equal(42UL, response.Id);
        Assert.Equal("ks-test-1", response.ServedBy.KeyserverId);
        Assert.Equal("tst1", response.ServedBy.Datacenter);
        var input = Write("input", payload);
        var signature = Write("signature", response.Result.ToByteArray());
        Assert.True(
            await OpenSslCli.VerifyAsync(_keys.PublicKeyPath(key), input, signature, verifyOptions),
            $"openssl did not verify the {operation} signature of {key}");

        // The same check must fail for other input, or the assertion above proves nothing.
        payload[0] ^= 1; // the first byte: ECDSA truncates digests longer than the curve
        Assert.False(await OpenSslCli.VerifyAsync(_keys.PublicKeyPath(key), Write("other", payload), signature, verifyOptions));
    }

    public static TheoryData<string, Operation> Decryptions()
    {
        var data = new TheoryData<string, Operation>();
        foreach (var key in TestKeys.RsaKeys)
        {
            data.Add(key, Operation.RsaDecryptPkcs1);
            data.Add(key, Operation.RsaDecryptRaw);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Decryptions))]
    public async Task Decrypt_RecoversWhatOpenSslEncrypted(string key, Operation operation)
    {
        var modulusBytes = ModulusBytes(key);
        byte[] plaintext;
        string[] options;
        if (operation == Operation.RsaDecryptRaw)
        {
            plaintext = RandomNumberGenerator.GetBytes(modulusBytes);
            plaintext[0] = 0; // below the modulus
            options = ["-pkeyopt", "rsa_padding_mode:none"];
        }
        else
        {
            plaintext = RandomNumberGenerator.GetBytes(48);
            options = ["-pkeyopt", "rsa_padding_mode:pkcs1"];
        }

        var ciphertextPath = Path.Combine(_work.Path, "ciphertext");
        await OpenSslCli.EncryptAsync(_keys.PublicKeyPath(key), Write("plaintext", plaintext), ciphertextPath, options);
        var response = await _server.SignAsync(key, operation, File.ReadAllBytes(ciphertextPath));

        Assert.Null(response.Error);
        Assert.Equal(plaintext, response.Result.ToByteArray());
    }

    [Theory]
    [InlineData(Operation.RsaDecryptPkcs1)]
    [InlineData(Operation.RsaDecryptRaw)]
    public async Task Decrypt_WhenCiphertextIsInvalid_ReturnsCryptoFailure(Operation operation)
    {
        // All 0xFF is larger than the modulus, so no padding mode can accept it.
        var ciphertext = Enumerable.Repeat((byte)0xFF, 256).ToArray();

        var response = await _server.SignAsync(TestKeys.Rsa2048Pkcs1, operation, ciphertext);

        Assert.Equal(ErrorCode.CryptoFailure, response.Error.Code);
    }

    private static string[] Pss(string digest) =>
        ["-pkeyopt", "rsa_padding_mode:pss", "-pkeyopt", "rsa_pss_saltlen:digest", "-pkeyopt", "digest:" + digest];

    private static int ModulusBytes(string key) => key switch
    {
        TestKeys.Rsa3072Pkcs1 => 384,
        TestKeys.Rsa4096Pkcs1 => 512,
        _ => 256,
    };

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_work.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        _server.Dispose();
        _work.Dispose();
    }
}
