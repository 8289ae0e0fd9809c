using System.Buffers;
using System.Text;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Keyless;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>Keyless request items as the core's SignRequest.</summary>
public sealed class KeylessRequestMapperTests
{
    [Fact]
    public void ToSignRequest_CopiesEveryIdentifierAndThePayload()
    {
        byte[] ski = [.. Enumerable.Range(1, 20).Select(i => (byte)i)];
        byte[] digest = [.. Enumerable.Range(1, 32).Select(i => (byte)(i + 100))];
        var items = Parse(new KeylessRequest
        {
            Opcode = KeylessOpcode.RsaSignSha256,
            Payload = [9, 8, 7],
            Ski = ski,
            CertificateDigest = digest,
            ServerName = "www.example.com"u8,
            ClientIp = [192, 0, 2, 1],
            ServerIp = [198, 51, 100, 7],
        });

        var request = KeylessRequestMapper.ToSignRequest(77, Operation.RsaPkcs1Sha256, items);

        Assert.Equal(77UL, request.Id);
        Assert.Equal(Operation.RsaPkcs1Sha256, request.Operation);
        Assert.Equal([9, 8, 7], request.Payload.ToByteArray());
        Assert.Equal(ski, request.Key.Ski.ToByteArray());
        Assert.Equal(digest, request.Key.CertDigest.ToByteArray());
        Assert.Equal("www.example.com", request.Key.Sni);
        Assert.Equal([192, 0, 2, 1], request.Key.ClientIp.ToByteArray());
        Assert.Equal([198, 51, 100, 7], request.Key.ServerIp.ToByteArray());
    }

    [Fact]
    public void ServerNameText_OfInvalidUtf8_HasReplacementCharacters_SoTheLookupIgnoresIt()
    {
        var text = KeylessRequestMapper.ServerNameText(new ReadOnlySequence<byte>([0xC3, 0x28, (byte)'a']));

        Assert.Contains("\uFFFD", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerNameText_OfAHugeName_DecodesOnlyEnoughToKnowItIsNoHostName()
    {
        var text = KeylessRequestMapper.ServerNameText(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('a', 60_000))));

        Assert.Equal(KeylessRequestMapper.MaxServerNameBytes, text.Length);
        Assert.True(text.Length > 254, "a truncated name must still be too long to be a host name");
    }

    [Fact]
    public void ServerNameText_OfAValidName_IsTheName()
    {
        Assert.Equal("a.example.com.", KeylessRequestMapper.ServerNameText(new ReadOnlySequence<byte>("a.example.com."u8.ToArray())));
    }

    private static KeylessRequestItems Parse(in KeylessRequest request)
    {
        var body = KeylessTestClient.Encode(1, request)[KeylessHeader.Size..];
        Assert.True(KeylessItemParser.TryParseRequest(new ReadOnlySequence<byte>(body), out var items, out var error), error.Reason);
        return items;
    }
}
