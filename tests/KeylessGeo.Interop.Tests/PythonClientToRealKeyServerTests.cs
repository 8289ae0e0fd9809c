using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KeylessGeo.KeyServer.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>A Python grpcio client → the real keyserver over mutual TLS; C# verifies what it got.</summary>
public sealed class PythonClientToRealKeyServerTests(KeyServerClientFixture fixture) : IClassFixture<KeyServerClientFixture>
{
    [Fact]
    public void Sign_FromPython_ReturnsAnEcdsaSignatureThatVerifies()
    {
        var unary = fixture.Report.GetProperty("unary");

        Assert.Equal(1, unary.GetProperty("id").GetInt32());
        Assert.Equal(JsonValueKind.Null, unary.GetProperty("error").ValueKind);
        Assert.Equal(KeyServerTestHost.KeyServerId, unary.GetProperty("served_by").GetString());
        Assert.True(Verifies("unary", unary.GetProperty("signature").GetString()), "the unary signature does not verify");
        Assert.False(Verifies("other", unary.GetProperty("signature").GetString()), "the check accepts a signature over other data");
    }

    [Fact]
    public void Sign_FromPython_WithAnUnknownKey_ReturnsKeyNotFound()
    {
        Assert.Equal("KEY_NOT_FOUND", fixture.Report.GetProperty("unknown").GetProperty("error").GetString());
    }

    [Fact]
    public void SignStream_FromPython_AnswersEveryIdOnceWithASignatureThatVerifies()
    {
        var stream = fixture.Report.GetProperty("stream").EnumerateArray().ToList();

        var ids = stream.Select(r => r.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(1, KeyServerClientFixture.StreamCount), ids.Order());
        Assert.All(stream, response =>
        {
            var id = response.GetProperty("id").GetInt32();
            Assert.Equal(JsonValueKind.Null, response.GetProperty("error").ValueKind);
            Assert.True(Verifies($"stream-{id}", response.GetProperty("signature").GetString()), $"the signature of stream request {id} does not verify");
        });
    }

    [Fact]
    public void KeyServer_LoggedNoErrors()
    {
        Assert.Empty(fixture.ServerErrors);
    }

    private bool Verifies(string text, string? signatureHex)
    {
        Assert.NotNull(signatureHex);
        using var ecdsa = fixture.Keys.LoadEcdsa(KeyServerClientFixture.KeyId);
        var digest = SHA256.HashData(Encoding.ASCII.GetBytes(text));
        return ecdsa.VerifyHash(digest, Convert.FromHexString(signatureHex), DSASignatureFormat.Rfc3279DerSequence);
    }
}
