using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>Message-level behaviour of the Keyless port: pings, padding, unknown items, opcodes and identifiers.</summary>
public abstract class KeylessProtocolEndToEndTests(KeylessFixture fixture)
{
    /// <summary>These tests on the default transport, Kestrel.</summary>
    [Collection(KeylessCollection.Name)]
    public sealed class OnKestrel(KeylessFixture fixture) : KeylessProtocolEndToEndTests(fixture);

    /// <summary>These tests on the epoll transport.</summary>
    [Collection(EpollKeylessCollection.Name)]
    public sealed class OnEpoll(EpollKeylessFixture fixture) : KeylessProtocolEndToEndTests(fixture);

    [Theory]
    [InlineData(0, true)]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(1000, true)]
    [InlineData(4000, false)]
    public async Task Ping_EchoesThePayload_PaddedOrNot(int length, bool pad)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var payload = RandomNumberGenerator.GetBytes(length);
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token);

        var response = await client.ExchangeAsync(KeylessTestClient.Ping(uint.MaxValue, payload, pad), timeout.Token);

        Assert.False(response.IsError, response.ToString());
        Assert.Equal(KeylessOpcode.Pong, response.Opcode);
        Assert.Equal(uint.MaxValue, response.Id);
        Assert.Equal(payload, response.Payload);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Ping_IsAnsweredWithOpcodeF2EchoingThePayload_ByteForByte(SslProtocols protocol)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await fixture.ConnectAsync(protocol, timeout.Token);

        // From KEYLESS-PROTOCOL.md: version 1.0, body length 11, id 0x01020304; opcode item
        // (0x11, length 1, 0xF1); payload item (0x12, length 4, DE AD BE EF). No padding.
        byte[] ping = [0x01, 0x00, 0x00, 0x0B, 0x01, 0x02, 0x03, 0x04, 0x11, 0x00, 0x01, 0xF1, 0x12, 0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF];
        await client.WriteAsync(ping, timeout.Token);
        var pong = await client.ReadFrameBytesAsync(timeout.Token);

        // The same message with opcode 0xF2 (pong): the server does not pad responses.
        byte[] expected = [0x01, 0x00, 0x00, 0x0B, 0x01, 0x02, 0x03, 0x04, 0x11, 0x00, 0x01, 0xF2, 0x12, 0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF];
        Assert.Equal(expected, pong);
    }

    [Fact]
    public async Task PaddedPing_IsAnsweredWithAnUnpaddedPong_ByteForByte()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token);

        // A 1024-byte ping: body 1016 = opcode (4) + empty payload (3) + padding item (3 + 1006).
        var ping = new byte[1024];
        byte[] head = [0x01, 0x00, 0x03, 0xF8, 0xFF, 0xFF, 0xFF, 0xFE, 0x11, 0x00, 0x01, 0xF1, 0x12, 0x00, 0x00, 0x20, 0x03, 0xEE];
        head.CopyTo(ping, 0);
        ping.AsSpan(head.Length).Fill(0x5A);
        await client.WriteAsync(ping, timeout.Token);
        var pong = await client.ReadFrameBytesAsync(timeout.Token);

        Assert.Equal(new byte[] { 0x01, 0x00, 0x00, 0x07, 0xFF, 0xFF, 0xFF, 0xFE, 0x11, 0x00, 0x01, 0xF2, 0x12, 0x00, 0x00 }, pong);
    }

    [Fact]
    public async Task Pong_SentAsARequest_IsAnsweredUnexpectedOpcode()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token);

        await client.WriteAsync(new byte[] { 0x01, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x09, 0x11, 0x00, 0x01, 0xF2, 0x12, 0x00, 0x01, 0x00 }, timeout.Token);
        var answer = await client.ReadFrameBytesAsync(timeout.Token);

        Assert.Equal(new byte[] { 0x01, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x09, 0x11, 0x00, 0x01, 0xFF, 0x12, 0x00, 0x01, 0x06 }, answer);
    }

    [Theory]
    [InlineData(true, SslProtocols.Tls12)]
    [InlineData(false, SslProtocols.Tls12)]
    [InlineData(true, SslProtocols.Tls13)]
    [InlineData(false, SslProtocols.Tls13)]
    public async Task Sign_PaddedOrUnpadded_Succeeds(bool pad, SslProtocols protocol)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var digest = RandomNumberGenerator.GetBytes(32);
        await using var client = await fixture.ConnectAsync(protocol, timeout.Token);
        var request = fixture.SignBySki(0, KeylessFixture.EcP256, KeylessOpcode.EcdsaSignSha256, digest, pad);
        Assert.Equal(pad, request.Length >= KeylessHeader.MinimumPaddedLength);

        var response = await client.ExchangeAsync(request, timeout.Token);

        Assert.False(response.IsError, response.ToString());
        Assert.Equal(0U, response.Id);
        using var ecdsa = fixture.Keys.LoadEcdsa(KeylessFixture.EcP256);
        Assert.True(ecdsa.VerifyHash(digest, response.Payload, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task Sign_WithUnknownTagsAroundTheItems_SkipsThem()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var digest = RandomNumberGenerator.GetBytes(32);
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token);
        var request = RawFrames.Build(
            7,
            (0x7E, RandomNumberGenerator.GetBytes(300)),
            RawFrames.Opcode(KeylessOpcode.EcdsaSignSha256),
            (0x99, []),
            RawFrames.Item(KeylessTag.Payload, digest),
            RawFrames.Item(KeylessTag.CertificateId, RandomNumberGenerator.GetBytes(9)),
            RawFrames.Item(KeylessTag.SpanContext, RandomNumberGenerator.GetBytes(16)),
            RawFrames.Item(KeylessTag.Ski, fixture.Ski(KeylessFixture.EcP256)),
            (0xEE, RandomNumberGenerator.GetBytes(2)),
            RawFrames.Item(KeylessTag.Padding, new byte[200]),
            RawFrames.Item(KeylessTag.Padding, new byte[3]));

        var response = await client.ExchangeAsync(request, timeout.Token);

        Assert.False(response.IsError, response.ToString());
        using var ecdsa = fixture.Keys.LoadEcdsa(KeylessFixture.EcP256);
        Assert.True(ecdsa.VerifyHash(digest, response.Payload, DSASignatureFormat.Rfc3279DerSequence));
    }

    public static TheoryData<string, byte[], KeylessError> BadRequests()
    {
        var digest = new byte[32];
        return new TheoryData<string, byte[], KeylessError>
        {
            { "item overruns the body", RawFrames.WithBody(1, 1, RawFrames.OverrunningBody(KeylessOpcode.EcdsaSignSha256, (byte)KeylessTag.Payload, 64, 10)), KeylessError.FormatError },
            { "missing opcode", RawFrames.Build(1, RawFrames.Item(KeylessTag.Payload, digest)), KeylessError.FormatError },
            { "client IP of 5 bytes", RawFrames.Build(1, RawFrames.Opcode(KeylessOpcode.EcdsaSignSha256), RawFrames.Item(KeylessTag.Payload, digest), RawFrames.Item(KeylessTag.ClientIp, new byte[5])), KeylessError.FormatError },
            { "SKI of 19 bytes", RawFrames.Build(1, RawFrames.Opcode(KeylessOpcode.EcdsaSignSha256), RawFrames.Item(KeylessTag.Payload, digest), RawFrames.Item(KeylessTag.Ski, new byte[19])), KeylessError.FormatError },
            { "two opcodes", RawFrames.Build(1, RawFrames.Opcode(KeylessOpcode.Ping), RawFrames.Opcode(KeylessOpcode.Ping)), KeylessError.FormatError },
            { "empty body", RawFrames.Build(1), KeylessError.FormatError },
            { "undefined opcode 0x99", RawFrames.Build(1, RawFrames.Opcode((KeylessOpcode)0x99), RawFrames.Item(KeylessTag.Payload, digest)), KeylessError.BadOpcode },
            { "seal (optional, not supported)", RawFrames.Build(1, RawFrames.Opcode(KeylessOpcode.Seal), RawFrames.Item(KeylessTag.Payload, digest)), KeylessError.BadOpcode },
            { "unseal (optional, not supported)", RawFrames.Build(1, RawFrames.Opcode(KeylessOpcode.Unseal), RawFrames.Item(KeylessTag.Payload, digest)), KeylessError.BadOpcode },
            { "RPC (optional, not supported)", RawFrames.Build(1, RawFrames.Opcode(KeylessOpcode.Rpc), RawFrames.Item(KeylessTag.Payload, digest)), KeylessError.BadOpcode },
            { "custom function (optional, not supported)", RawFrames.Build(1, RawFrames.Opcode(KeylessOpcode.CustomFunction), RawFrames.Item(KeylessTag.CustomFunctionName, "f"u8.ToArray())), KeylessError.BadOpcode },
            { "response opcode sent as a request", RawFrames.Build(1, RawFrames.Opcode(KeylessOpcode.Response), RawFrames.Item(KeylessTag.Payload, digest)), KeylessError.UnexpectedOpcode },
            { "error opcode sent as a request", RawFrames.Build(1, RawFrames.Opcode(KeylessOpcode.Error), RawFrames.Item(KeylessTag.Payload, [8])), KeylessError.UnexpectedOpcode },
            { "no key identifier at all", RawFrames.Build(1, RawFrames.Opcode(KeylessOpcode.EcdsaSignSha256), RawFrames.Item(KeylessTag.Payload, digest)), KeylessError.FormatError },
        };
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_IsAnsweredWithItsWireError_AndTheConnectionGoesOn(string kind, byte[] request, KeylessError expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token);

        var response = await client.ExchangeAsync(request, timeout.Token);

        Assert.True(response.IsError, $"{kind}: {response}");
        Assert.Equal(1U, response.Id);
        Assert.Equal(expected, response.Error);
        var pong = await client.ExchangeAsync(KeylessTestClient.Ping(2, [1, 2, 3]), timeout.Token);
        Assert.Equal([1, 2, 3], pong.Payload);
    }

    public static TheoryData<string, KeylessOpcode, int, KeylessError> CoreErrors() => new()
    {
        // The key type cannot perform the operation: cryptography failure (as gokeyless answers it).
        { KeylessFixture.Rsa2048, KeylessOpcode.EcdsaSignSha256, 32, KeylessError.CryptographyFailure },
        { KeylessFixture.EcP256, KeylessOpcode.RsaSignSha256, 32, KeylessError.CryptographyFailure },
        { KeylessFixture.EcP256, KeylessOpcode.RsaDecrypt, 32, KeylessError.CryptographyFailure },
        { KeylessFixture.Ed25519, KeylessOpcode.EcdsaSignSha256, 32, KeylessError.CryptographyFailure },
        { KeylessFixture.Rsa2048, KeylessOpcode.Ed25519Sign, 32, KeylessError.CryptographyFailure },

        // A payload of the wrong length for the operation: format error.
        { KeylessFixture.EcP256, KeylessOpcode.EcdsaSignSha256, 31, KeylessError.FormatError },
        { KeylessFixture.Rsa2048, KeylessOpcode.RsaSignSha384, 32, KeylessError.FormatError },
        { KeylessFixture.Rsa2048, KeylessOpcode.RsaDecrypt, 255, KeylessError.FormatError },
    };

    [Theory]
    [MemberData(nameof(CoreErrors))]
    public async Task Sign_RefusedByTheCore_AnswersTheMappedError(string key, KeylessOpcode opcode, int payloadLength, KeylessError expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token);

        var response = await client.ExchangeAsync(fixture.SignBySki(5, key, opcode, new byte[payloadLength]), timeout.Token);

        Assert.True(response.IsError, response.ToString());
        Assert.Equal(expected, response.Error);
    }

    [Fact]
    public async Task Sign_WithUnknownSki_AnswersKeyNotFound()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token);
        var request = KeylessTestClient.Encode(3, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = new byte[32], Ski = RandomNumberGenerator.GetBytes(20) });

        var response = await client.ExchangeAsync(request, timeout.Token);

        Assert.Equal(KeylessError.KeyNotFound, response.Error);
    }

    public static TheoryData<string, byte[]> InvalidServerNames() => new()
    {
        { "a 300-character URL", Encoding.ASCII.GetBytes(("https://" + new string('a', 280) + ".example.com/")[..300]) },
        { "invalid UTF-8", [0xC3, 0x28, 0xFF, 0xFE, (byte)'.', (byte)'c', (byte)'o', (byte)'m'] },
        { "a 16,000-byte name", Enumerable.Repeat((byte)'a', 16_000).ToArray() },
        { "spaces and a query", "www.example.com/?q=a b"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(InvalidServerNames))]
    public async Task Sign_WithInvalidSniAndValidSki_IgnoresTheSniAndSucceeds(string kind, byte[] serverName)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var digest = RandomNumberGenerator.GetBytes(32);
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token);
        var request = KeylessTestClient.Encode(4, new KeylessRequest
        {
            Opcode = KeylessOpcode.EcdsaSignSha256,
            Payload = digest,
            Ski = fixture.Ski(KeylessFixture.EcP256),
            ServerName = serverName,
        });

        var response = await client.ExchangeAsync(request, timeout.Token);

        Assert.False(response.IsError, $"{kind}: {response}");
        using var ecdsa = fixture.Keys.LoadEcdsa(KeylessFixture.EcP256);
        Assert.True(ecdsa.VerifyHash(digest, response.Payload, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Theory]
    [MemberData(nameof(InvalidServerNames))]
    public async Task Sign_WithOnlyAnInvalidSni_AnswersKeyNotFound_NeverAFormatError(string kind, byte[] serverName)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token);
        var request = KeylessTestClient.Encode(4, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = new byte[32], ServerName = serverName });

        var response = await client.ExchangeAsync(request, timeout.Token);

        Assert.True(response.IsError, kind);
        Assert.Equal(KeylessError.KeyNotFound, response.Error);
    }

    [Fact]
    public async Task Sign_ByCertificateDigest_FindsTheRsaKey()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var digest = RandomNumberGenerator.GetBytes(32);
        await using var client = await fixture.ConnectAsync(SslProtocols.Tls12, timeout.Token);
        var request = KeylessTestClient.Encode(6, new KeylessRequest
        {
            Opcode = KeylessOpcode.RsaPssSignSha256,
            Payload = digest,
            CertificateDigest = fixture.Keys.CertificateDigest(KeylessFixture.Rsa3072),
            ClientIp = [192, 0, 2, 1],
            ServerIp = new byte[16],
        });

        var response = await client.ExchangeAsync(request, timeout.Token);

        Assert.False(response.IsError, response.ToString());
        using var rsa = fixture.Keys.LoadRsa(KeylessFixture.Rsa3072);
        Assert.True(rsa.VerifyHash(digest, response.Payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }
}
