using System.Net;
using System.Security.Cryptography;
using System.Text;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Tests.Client;

/// <summary>How the client reads what a conforming server may send back.</summary>
public sealed class KeylessClientResponseTests
{
    [Fact]
    public async Task Sign_WhenServerAnswersInReverseOrder_MatchesEveryResponseById()
    {
        const int count = 16;
        await using var harness = ClientHarness.Start();
        var held = new List<(ServerConnection Connection, ReceivedRequest Request)>();
        harness.Server.Handler = async (connection, request) =>
        {
            held.Add((connection, request));
            if (held.Count == count)
            {
                for (var i = held.Count - 1; i >= 0; i--)
                {
                    await held[i].Connection.SendAsync(harness.Signer.Answer(held[i].Request));
                }
            }
        };
        var digests = Enumerable.Range(0, count).Select(_ => ClientHarness.Digest()).ToArray();

        var calls = digests.Select(d => harness.Client.SignAsync(ClientHarness.EcdsaSign(d), ClientHarness.Generous).AsTask()).ToArray();
        var results = await Task.WhenAll(calls).WaitAsync(ClientHarness.Bound);

        Assert.Equal(1, harness.Server.EstablishedTls);
        for (var i = 0; i < count; i++)
        {
            Assert.True(results[i].IsSuccess, results[i].ToString());
            Assert.True(harness.Signer.VerifyEcdsa(digests[i], results[i].Value), $"signature {i} does not verify");
        }
    }

    [Fact]
    public async Task Sign_WhenResponsesArePaddedAndCarryUnknownItems_ReturnsTheResult()
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = (connection, request) =>
        {
            var signature = harness.Signer.Ecdsa.SignHash(request.Payload, DSASignatureFormat.Rfc3279DerSequence);
            return connection.SendAsync(FactsWire.Response(request.Id, signature, padTo: 1024, unknownItems: true));
        };
        var digest = ClientHarness.Digest();

        var result = await harness.Client.SignAsync(ClientHarness.EcdsaSign(digest), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.True(harness.Signer.VerifyEcdsa(digest, result.Value));
    }

    [Fact]
    public async Task Sign_SendsEveryIdentifierAsItsItemAndPadsTheRequestTo1024Bytes()
    {
        await using var harness = ClientHarness.Start();
        var digest = ClientHarness.Digest();
        var certificateDigest = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var sni = Encoding.ASCII.GetBytes("not a host/name?");
        var request = ClientHarness.EcdsaSign(digest, harness.Signer.EcdsaSki) with
        {
            CertificateDigest = certificateDigest,
            ServerName = sni,
            ClientIp = IPAddress.Parse("192.0.2.7").GetAddressBytes(),
            ServerIp = IPAddress.Parse("2001:db8::1").GetAddressBytes(),
            CertificateId = "cert-42"u8.ToArray(),
        };

        var result = await harness.Client.SignAsync(request, ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.True(result.IsSuccess, result.ToString());
        var received = Assert.Single(harness.Server.Received);
        Assert.True(received.Length >= 1024, $"request is {received.Length} bytes");
        Assert.Equal((byte)KeylessOpcode.EcdsaSignSha256, received.Opcode);
        Assert.Equal(digest, received.Payload);
        Assert.Equal(harness.Signer.EcdsaSki, received.Item(0x04));
        Assert.Equal(certificateDigest, received.Item(0x01));
        Assert.Equal(sni, received.Item(0x02));
        Assert.Equal([192, 0, 2, 7], received.Item(0x03));
        Assert.Equal(IPAddress.Parse("2001:db8::1").GetAddressBytes(), received.Item(0x05));
        Assert.Equal("cert-42"u8.ToArray(), received.Item(0x06));
    }

    [Fact]
    public async Task Sign_WithRsaOperations_ReturnsSignaturesAndPlaintextThatVerify()
    {
        await using var harness = ClientHarness.Start();
        var rsa = harness.Signer.Rsa;
        var digest = SHA256.HashData("handshake transcript"u8);
        var secret = "premaster secret"u8.ToArray();
        var ciphertext = rsa.Encrypt(secret, RSAEncryptionPadding.Pkcs1);
        KeylessOperationRequest Rsa(KeylessOpcode opcode, byte[] payload) => new() { Opcode = opcode, Payload = payload, Ski = harness.Signer.RsaSki };

        var pkcs1 = await harness.Client.SignAsync(Rsa(KeylessOpcode.RsaSignSha256, digest), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);
        var pss = await harness.Client.SignAsync(Rsa(KeylessOpcode.RsaPssSignSha256, digest), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);
        var decrypted = await harness.Client.SignAsync(Rsa(KeylessOpcode.RsaDecrypt, ciphertext), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.True(rsa.VerifyHash(digest, pkcs1.Value.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), pkcs1.ToString());
        Assert.True(rsa.VerifyHash(digest, pss.Value.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pss), pss.ToString());
        Assert.Equal(secret, decrypted.Value.ToArray());
    }

    [Fact]
    public async Task Ping_ReturnsTheServersEchoOfThePayload()
    {
        await using var harness = ClientHarness.Start();
        var payload = "are you there?"u8.ToArray();

        var result = await harness.Client.PingAsync(payload, ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(payload, result.Value.ToArray());
        Assert.Equal(FactsWire.Ping, Assert.Single(harness.Server.Received).Opcode);
    }

    [Theory]
    [InlineData(0x01, ErrorCode.CryptoFailure)]
    [InlineData(0x02, ErrorCode.KeyNotFound)]
    [InlineData(0x03, ErrorCode.Internal)]
    [InlineData(0x04, ErrorCode.Unavailable)]
    [InlineData(0x05, ErrorCode.BadRequest)]
    [InlineData(0x06, ErrorCode.BadRequest)]
    [InlineData(0x07, ErrorCode.BadRequest)]
    [InlineData(0x08, ErrorCode.Internal)]
    [InlineData(0x09, ErrorCode.KeyNotFound)]
    [InlineData(0x0A, ErrorCode.BadRequest)]
    [InlineData(0x0B, ErrorCode.PolicyDenied)]
    [InlineData(0x00, ErrorCode.Internal)]
    [InlineData(0x0C, ErrorCode.Internal)]
    [InlineData(0xFF, ErrorCode.Internal)]
    public async Task Sign_WhenServerAnswersWithAWireError_ReturnsTheMappedCodeAndTheWireByte(byte wire, ErrorCode expected)
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = (connection, request) => connection.SendAsync(FactsWire.Error(request.Id, wire, padTo: 1024));

        var result = await harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest()), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.False(result.IsSuccess);
        Assert.Equal(expected, result.Code);
        Assert.Equal((KeylessError)wire, result.WireError);
        Assert.True(result.MayHaveReachedServer);
        Assert.Contains($"0x{wire:X2}", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WhenKeyIsUnknown_ReturnsKeyNotFoundFromTheServer()
    {
        await using var harness = ClientHarness.Start();

        var result = await harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest(), ski: new byte[20]), ClientHarness.Generous)
            .AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.KeyNotFound, result.Code);
        Assert.Equal(KeylessError.KeyNotFound, result.WireError);
    }

    [Fact]
    public async Task Sign_WhenOneResponseIsMalformed_FailsThatRequestWithInternalAndKeepsTheConnection()
    {
        await using var harness = ClientHarness.Start();
        harness.Server.Handler = (connection, request) => request.Payload[0] == 0xBD
            ? connection.SendAsync(FactsWire.Message(request.Id, [(FactsWire.TagPayload, [1, 2, 3])]))
            : connection.SendAsync(harness.Signer.Answer(request));

        var bad = await harness.Client.SignAsync(ClientHarness.EcdsaSign(ClientHarness.Digest(0xBD)), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);
        var digest = ClientHarness.Digest(0x00);
        var good = await harness.Client.SignAsync(ClientHarness.EcdsaSign(digest), ClientHarness.Generous).AsTask().WaitAsync(ClientHarness.Bound);

        Assert.Equal(ErrorCode.Internal, bad.Code);
        Assert.Null(bad.WireError);
        Assert.Contains("malformed", bad.Message, StringComparison.Ordinal);
        Assert.True(good.IsSuccess, good.ToString());
        Assert.True(harness.Signer.VerifyEcdsa(digest, good.Value));
        Assert.Equal(1, harness.Server.EstablishedTls);
    }
}
