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
        foreach (var (key, operation, length, options) in OpenSslVerifyCases.For(TestKeys.RsaKeys, TestKeys.EcKeys, TestKeys.Ed25519))
        {
            data.Add(key, operation, length, options);
        }

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
