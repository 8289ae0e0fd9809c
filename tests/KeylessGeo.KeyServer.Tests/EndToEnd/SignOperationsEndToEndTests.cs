using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Testing;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>Every operation through unary Sign on the real keyserver, checked by the openssl CLI.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SignOperationsEndToEndTests(EndToEndFixture fixture) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("keylessgeo-e2e-ops-").FullName;

    public static TheoryData<string, Operation, int, string[]> Signatures()
    {
        var data = new TheoryData<string, Operation, int, string[]>();
        foreach (var (key, operation, length, options) in OpenSslVerifyCases.For([EndToEndFixture.RsaPkcs1, EndToEndFixture.RsaPkcs8], [EndToEndFixture.EcP256, EndToEndFixture.EcP384, EndToEndFixture.EcP521], EndToEndFixture.Ed25519))
        {
            data.Add(key, operation, length, options);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Signatures))]
    public async Task Sign_OverGrpc_ProducesASignatureOpenSslVerifies(string key, Operation operation, int payloadLength, string[] verifyOptions)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var payload = RandomNumberGenerator.GetBytes(payloadLength);

        var response = await SignAsync(key, operation, payload, timeout.Token);

        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        Assert.Equal(7UL, response.Id);
        var signature = Write("signature", response.Result.ToByteArray());
        var publicKey = fixture.Keys.PublicKeyPath(key);
        Assert.True(
            await OpenSslCli.VerifyAsync(publicKey, Write("input", payload), signature, verifyOptions),
            $"openssl did not verify the {operation} signature of {key}");

        // The same check must fail for other input, or the assertion above proves nothing.
        payload[0] ^= 1;
        Assert.False(await OpenSslCli.VerifyAsync(publicKey, Write("other", payload), signature, verifyOptions));
    }

    public static TheoryData<string, Operation> Decryptions() => new()
    {
        { EndToEndFixture.RsaPkcs1, Operation.RsaDecryptPkcs1 },
        { EndToEndFixture.RsaPkcs1, Operation.RsaDecryptRaw },
        { EndToEndFixture.RsaPkcs8, Operation.RsaDecryptPkcs1 },
        { EndToEndFixture.RsaPkcs8, Operation.RsaDecryptRaw },
    };

    [Theory]
    [MemberData(nameof(Decryptions))]
    public async Task Sign_WithRsaDecrypt_RecoversWhatOpenSslEncrypted(string key, Operation operation)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        byte[] plaintext;
        string[] options;
        if (operation == Operation.RsaDecryptRaw)
        {
            plaintext = RandomNumberGenerator.GetBytes(256);
            plaintext[0] = 0; // below the modulus
            options = ["-pkeyopt", "rsa_padding_mode:none"];
        }
        else
        {
            plaintext = RandomNumberGenerator.GetBytes(48);
            options = ["-pkeyopt", "rsa_padding_mode:pkcs1"];
        }

        var ciphertextPath = Path.Combine(_work, "ciphertext");
        await OpenSslCli.EncryptAsync(fixture.Keys.PublicKeyPath(key), Write("plaintext", plaintext), ciphertextPath, options);

        var response = await SignAsync(key, operation, await File.ReadAllBytesAsync(ciphertextPath, timeout.Token), timeout.Token);

        Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        Assert.Equal(plaintext, response.Result.ToByteArray());
    }

    private async Task<SignResponse> SignAsync(string key, Operation operation, byte[] payload, CancellationToken cancellationToken) =>
        await new KeyServerClient(fixture.Channel).SignAsync(
            new SignRequest { Id = 7, Key = new KeyRef { KeyId = key }, Operation = operation, Payload = ByteString.CopyFrom(payload) },
            cancellationToken: cancellationToken);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
