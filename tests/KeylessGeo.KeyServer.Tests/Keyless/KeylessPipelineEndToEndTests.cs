using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Tests.EndToEnd;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// Ten thousand requests written on one connection without waiting, a tenth of them bad:
/// exactly one response per id, each with the right outcome, and the connection still serves.
/// </summary>
public abstract class KeylessPipelineEndToEndTests(KeylessFixture fixture) : IDisposable
{
    /// <summary>These tests on the default transport, Kestrel.</summary>
    [Collection(KeylessCollection.Name)]
    public sealed class OnKestrel(KeylessFixture fixture) : KeylessPipelineEndToEndTests(fixture);

    /// <summary>These tests on the epoll transport.</summary>
    [Collection(EpollKeylessCollection.Name)]
    public sealed class OnEpoll(EpollKeylessFixture fixture) : KeylessPipelineEndToEndTests(fixture);

    private const int RequestCount = 10_000;
    private const int Ed25519OpenSslSamples = 3;
    private readonly ECDsa _p256 = fixture.Keys.LoadEcdsa(KeylessFixture.EcP256);
    private readonly ECDsa _p384 = fixture.Keys.LoadEcdsa(KeylessFixture.EcP384);
    private readonly RSA _rsa = fixture.Keys.LoadRsa(KeylessFixture.Rsa2048);

    [Theory]
    [MemberData(nameof(KeylessFixture.TlsVersions), MemberType = typeof(KeylessFixture))]
    public async Task TenThousandPipelinedRequests_AreEachAnsweredOnceWithTheRightOutcome(SslProtocols protocol)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var errorsBefore = fixture.Host.ErrorLogs.Count;
        var expectations = new Dictionary<uint, Expectation>();
        var bytes = new MemoryStream();
        for (uint id = 1; id <= RequestCount; id++)
        {
            var expectation = Build(id);
            expectations.Add(id, expectation);
            bytes.Write(expectation.Frame);
        }

        await using var client = await fixture.ConnectAsync(protocol, timeout.Token);
        Assert.Equal(protocol, client.Protocol);
        var writer = Task.Run(() => client.WriteAsync(bytes.ToArray(), timeout.Token), timeout.Token);
        var responses = new Dictionary<uint, KeylessTestResponse>();
        for (var i = 0; i < RequestCount; i++)
        {
            var response = await client.ReadAsync(timeout.Token) ?? throw new IOException($"closed after {i} responses");
            Assert.True(responses.TryAdd(response.Id, response), $"id {response.Id} answered twice");
        }

        await writer;
        Assert.Equal(expectations.Keys.Order(), responses.Keys.Order());

        var ed25519Checked = 0;
        foreach (var (id, expectation) in expectations)
        {
            var response = responses[id];
            if (expectation.Error is { } error)
            {
                Assert.True(response.IsError && response.Error == error, $"request {id} ({expectation.Kind}): expected {error}, got {response}");
                continue;
            }

            Assert.False(response.IsError, $"request {id} ({expectation.Kind}) failed: {response}");
            if (expectation.Verify is { } verify)
            {
                Assert.True(verify(response.Payload), $"request {id} ({expectation.Kind}): the result does not verify");
            }
            else if (ed25519Checked++ < Ed25519OpenSslSamples)
            {
                Assert.Equal(64, response.Payload.Length);
                Assert.True(
                    await SignatureCheck.OpenSslAsync(fixture.Keys.PublicKeyPath(KeylessFixture.Ed25519), expectation.Payload, response.Payload, ["-rawin"]),
                    $"openssl did not verify the Ed25519 signature of request {id}");
            }
        }

        // The connection still works: a ping and a signature.
        var pong = await client.ExchangeAsync(KeylessTestClient.Ping(RequestCount + 1, [7, 7]), timeout.Token);
        Assert.Equal([7, 7], pong.Payload);
        var digest = RandomNumberGenerator.GetBytes(32);
        var signed = await client.ExchangeAsync(fixture.SignBySki(RequestCount + 2, KeylessFixture.EcP256, KeylessOpcode.EcdsaSignSha256, digest), timeout.Token);
        Assert.True(VerifyEcdsa(KeylessFixture.EcP256, digest, signed.Payload));
        Assert.Empty(fixture.Host.ErrorLogs.Skip(errorsBefore));
    }

    private Expectation Build(uint id)
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        if (id % 10 == 0)
        {
            return (id / 10 % 5) switch
            {
                0 => Fail(id, "item overruns the body", RawFrames.WithBody(id, 1, RawFrames.OverrunningBody(KeylessOpcode.EcdsaSignSha256, (byte)KeylessTag.Payload, 300, 32)), KeylessError.FormatError),
                1 => Fail(id, "missing opcode", RawFrames.Build(id, RawFrames.Item(KeylessTag.Payload, digest), RawFrames.Item(KeylessTag.Ski, fixture.Ski(KeylessFixture.EcP256))), KeylessError.FormatError),
                2 => Fail(id, "server IP of 7 bytes", RawFrames.Build(id, RawFrames.Opcode(KeylessOpcode.EcdsaSignSha256), RawFrames.Item(KeylessTag.Payload, digest), RawFrames.Item(KeylessTag.ServerIp, new byte[7])), KeylessError.FormatError),
                3 => Fail(id, "unknown key", KeylessTestClient.Encode(id, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digest, Ski = RandomNumberGenerator.GetBytes(20) }), KeylessError.KeyNotFound),
                _ => Fail(id, "ECDSA operation on an RSA key", fixture.SignBySki(id, KeylessFixture.Rsa2048, KeylessOpcode.EcdsaSignSha256, digest), KeylessError.CryptographyFailure),
            };
        }

        return (id % 10) switch
        {
            1 or 2 => Sign(id, "ECDSA P-256 by SKI", fixture.SignBySki(id, KeylessFixture.EcP256, KeylessOpcode.EcdsaSignSha256, digest), s => VerifyEcdsa(KeylessFixture.EcP256, digest, s)),
            3 => Sign(id, "ECDSA P-256 by SKI with a 300-character URL as SNI", KeylessTestClient.Encode(id, new KeylessRequest
            {
                Opcode = KeylessOpcode.EcdsaSignSha256,
                Payload = digest,
                Ski = fixture.Ski(KeylessFixture.EcP256),
                ServerName = Encoding.ASCII.GetBytes(InvalidSni()),
            }), s => VerifyEcdsa(KeylessFixture.EcP256, digest, s)),
            4 => Sign(id, "RSA-2048 PKCS#1 by SKI", fixture.SignBySki(id, KeylessFixture.Rsa2048, KeylessOpcode.RsaSignSha256, digest), s => VerifyRsa(digest, s, RSASignaturePadding.Pkcs1)),
            5 => Sign(id, "RSA-2048 PSS by certificate digest", KeylessTestClient.Encode(id, new KeylessRequest
            {
                Opcode = KeylessOpcode.RsaPssSignSha256,
                Payload = digest,
                CertificateDigest = fixture.Keys.CertificateDigest(KeylessFixture.Rsa2048),
            }), s => VerifyRsa(digest, s, RSASignaturePadding.Pss)),
            6 => Sign(id, "ping", KeylessTestClient.Ping(id, digest), s => s.AsSpan().SequenceEqual(digest)),
            7 => Ed25519(id, RandomNumberGenerator.GetBytes(1 + (int)(id % 200))),
            8 => Sign(id, "ECDSA P-384 SHA-384 unpadded", Unpadded(id, KeylessFixture.EcP384, KeylessOpcode.EcdsaSignSha384, digest = RandomNumberGenerator.GetBytes(48)), s => VerifyEcdsa(KeylessFixture.EcP384, digest, s)),
            _ => Sign(id, "ECDSA P-256 by SKI, unpadded", Unpadded(id, KeylessFixture.EcP256, KeylessOpcode.EcdsaSignSha256, digest), s => VerifyEcdsa(KeylessFixture.EcP256, digest, s)),
        };
    }

    private Expectation Ed25519(uint id, byte[] message) =>
        new("Ed25519 by SKI", fixture.SignBySki(id, KeylessFixture.Ed25519, KeylessOpcode.Ed25519Sign, message), null, null, message);

    private byte[] Unpadded(uint id, string key, KeylessOpcode opcode, byte[] payload) => fixture.SignBySki(id, key, opcode, payload, pad: false);

    private bool VerifyEcdsa(string key, byte[] digest, byte[] signature) =>
        (key == KeylessFixture.EcP256 ? _p256 : _p384).VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);

    private bool VerifyRsa(byte[] digest, byte[] signature, RSASignaturePadding padding) =>
        _rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, padding);

    public void Dispose()
    {
        _p256.Dispose();
        _p384.Dispose();
        _rsa.Dispose();
    }

    /// <summary>A 300-character URL: not a host name, so the keyserver must ignore it.</summary>
    private static string InvalidSni() => ("https://" + new string('a', 300))[..300];

    private static Expectation Sign(uint id, string kind, byte[] frame, Func<byte[], bool> verify) => new(kind, frame, null, verify, []);

    private static Expectation Fail(uint id, string kind, byte[] frame, KeylessError error) => new(kind, frame, error, null, []);

    private sealed record Expectation(string Kind, byte[] Frame, KeylessError? Error, Func<byte[], bool>? Verify, byte[] Payload);
}
