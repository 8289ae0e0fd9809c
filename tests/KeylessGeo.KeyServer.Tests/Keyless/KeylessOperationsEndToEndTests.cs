using System.Security.Authentication;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Testing;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// Every operation for every key type over the Keyless port, over TLS 1.2 and TLS 1.3, each
/// result checked by the openssl CLI.
/// </summary>
public abstract class KeylessOperationsEndToEndTests(KeylessFixture fixture) : IDisposable
{
    /// <summary>These tests on the default transport, Kestrel.</summary>
    [Collection(KeylessCollection.Name)]
    public sealed class OnKestrel(KeylessFixture fixture) : KeylessOperationsEndToEndTests(fixture);

    /// <summary>These tests on the epoll transport.</summary>
    [Collection(EpollKeylessCollection.Name)]
    public sealed class OnEpoll(EpollKeylessFixture fixture) : KeylessOperationsEndToEndTests(fixture);

    private readonly string _work = Directory.CreateTempSubdirectory("keylessgeo-keyless-ops-").FullName;

    public static TheoryData<string, Operation, int, string[], SslProtocols> Signatures()
    {
        var data = new TheoryData<string, Operation, int, string[], SslProtocols>();
        foreach (var protocol in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            foreach (var (key, operation, length, options) in OpenSslVerifyCases.For(KeylessFixture.RsaKeys, KeylessFixture.EcKeys, KeylessFixture.Ed25519))
            {
                data.Add(key, operation, length, options, protocol);
            }
        }

        return data;
    }

    public static TheoryData<string, Operation, SslProtocols> Decryptions()
    {
        var data = new TheoryData<string, Operation, SslProtocols>();
        foreach (var protocol in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            foreach (var key in KeylessFixture.RsaKeys)
            {
                data.Add(key, Operation.RsaDecryptPkcs1, protocol);
                data.Add(key, Operation.RsaDecryptRaw, protocol);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Signatures))]
    public async Task Sign_OverKeyless_ProducesASignatureOpenSslVerifies(string key, Operation operation, int payloadLength, string[] verifyOptions, SslProtocols protocol)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var payload = RandomNumberGenerator.GetBytes(payloadLength);
        await using var client = await fixture.ConnectAsync(protocol, timeout.Token);
        Assert.Equal(protocol, client.Protocol);

        var response = await client.ExchangeAsync(fixture.SignBySki(41, key, KeylessOpcodeOf.Operation(operation), payload), timeout.Token);

        Assert.False(response.IsError, response.ToString());
        Assert.Equal(41U, response.Id);
        var signature = Write("signature", response.Payload);
        var publicKey = fixture.Keys.PublicKeyPath(key);
        Assert.True(
            await OpenSslCli.VerifyAsync(publicKey, Write("input", payload), signature, verifyOptions),
            $"openssl did not verify the {operation} signature of {key} over {protocol}");

        // The same check must fail for other input, or the assertion above proves nothing.
        payload[0] ^= 1;
        Assert.False(await OpenSslCli.VerifyAsync(publicKey, Write("other", payload), signature, verifyOptions));
    }

    [Theory]
    [MemberData(nameof(Decryptions))]
    public async Task Decrypt_OverKeyless_RecoversWhatOpenSslEncrypted(string key, Operation operation, SslProtocols protocol)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var rsa = fixture.Keys.LoadRsa(key);
        var modulusBytes = rsa.KeySize / 8;
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

        var ciphertextPath = Path.Combine(_work, "ciphertext");
        await OpenSslCli.EncryptAsync(fixture.Keys.PublicKeyPath(key), Write("plaintext", plaintext), ciphertextPath, options);
        var ciphertext = await File.ReadAllBytesAsync(ciphertextPath, timeout.Token);
        await using var client = await fixture.ConnectAsync(protocol, timeout.Token);
        Assert.Equal(protocol, client.Protocol);

        var response = await client.ExchangeAsync(fixture.SignBySki(42, key, KeylessOpcodeOf.Operation(operation), ciphertext), timeout.Token);

        Assert.False(response.IsError, response.ToString());
        Assert.Equal(plaintext, response.Payload);
    }

    [Theory]
    [MemberData(nameof(KeylessFixture.TlsVersions), MemberType = typeof(KeylessFixture))]
    public async Task Decrypt_WithCiphertextAboveTheModulus_AnswersCryptographyFailure(SslProtocols protocol)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var garbage = Enumerable.Repeat((byte)0xFF, 256).ToArray();
        await using var client = await fixture.ConnectAsync(protocol, timeout.Token);

        var response = await client.ExchangeAsync(fixture.SignBySki(43, KeylessFixture.Rsa2048, KeylessOpcode.RsaDecrypt, garbage), timeout.Token);

        Assert.True(response.IsError, response.ToString());
        Assert.Equal(KeylessError.CryptographyFailure, response.Error);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
