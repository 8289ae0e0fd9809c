using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>A Python grpcio client → the real keyserver over mutual TLS; C# and openssl verify what it got.</summary>
public sealed class PythonClientToRealKeyServerTests(KeyServerClientFixture fixture) : IClassFixture<KeyServerClientFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("keylessgeo-interop-verify-").FullName;

    [Theory]
    [InlineData("unary")]
    [InlineData("stream")]
    public async Task EveryOperation_FromPython_IsAnsweredWithAResultOpenSslVerifies(string mode)
    {
        var answers = fixture.Report.GetProperty(mode).EnumerateArray().ToDictionary(a => a.GetProperty("id").GetInt32());

        Assert.Equal(fixture.Cases.Count, answers.Count);
        for (var i = 0; i < fixture.Cases.Count; i++)
        {
            var expected = fixture.Cases[i];
            var answer = answers[i + 1];
            Assert.True(answer.GetProperty("error").ValueKind == JsonValueKind.Null, $"{mode} {expected.Operation} with {expected.Key}: {answer}");
            Assert.Equal(KeyServerTestHost.KeyServerId, answer.GetProperty("served_by").GetString());
            var result = Convert.FromHexString(answer.GetProperty("result").GetString()!);
            if (expected.Plaintext is { } plaintext)
            {
                Assert.Equal(plaintext, result);
                continue;
            }

            Assert.True(await VerifiesAsync(expected, expected.Payload, result), $"openssl did not verify {mode} {expected.Operation} with {expected.Key}");
            var other = (byte[])expected.Payload.Clone();
            other[0] ^= 1;
            Assert.False(await VerifiesAsync(expected, other, result), "the openssl check accepts a signature over other data");
        }
    }

    [Fact]
    public void Sign_FromPython_WithAnUnknownKey_ReturnsKeyNotFound()
    {
        Assert.Equal("KEY_NOT_FOUND", fixture.Report.GetProperty("unknown").GetProperty("error").GetString());
    }

    [Fact]
    public void StreamPastItsDeadline_IsDeadlineExceeded()
    {
        Assert.Equal("DEADLINE_EXCEEDED", fixture.Report.GetProperty("deadline").GetString());
    }

    [Fact]
    public void UnknownMethod_IsUnimplemented()
    {
        Assert.Equal("UNIMPLEMENTED", fixture.Report.GetProperty("unimplemented").GetString());
    }

    [Fact]
    public void OversizeMessage_IsResourceExhausted()
    {
        Assert.Equal("RESOURCE_EXHAUSTED", fixture.Report.GetProperty("oversize").GetString());
    }

    [Fact]
    public void MalformedUnaryRequest_IsInvalidArgument_AndTheChannelStillSigns()
    {
        var malformed = fixture.Report.GetProperty("malformed_unary");
        Assert.Equal("INVALID_ARGUMENT", malformed.GetProperty("code").GetString());
        Assert.Contains("not a valid SignRequest", malformed.GetProperty("details").GetString(), StringComparison.Ordinal);

        var after = fixture.Report.GetProperty("after_malformed_unary");
        Assert.True(EcdsaVerifies("after-malformed", after.GetProperty("result").GetString()), after.ToString());
    }

    [Fact]
    public void TenThousandMessagesOnOneStream_ATenthMalformed_EachIsAnsweredOnceAndCorrectly()
    {
        var bulk = fixture.Report.GetProperty("bulk");
        var answers = bulk.GetProperty("answers").EnumerateArray().ToList();

        Assert.Equal(10_000, bulk.GetProperty("sent").GetInt32());
        Assert.Equal(1_000, bulk.GetProperty("bad_request_id0").GetInt32());
        var byId = answers.ToDictionary(a => a.GetProperty("id").GetInt32()); // throws on a duplicate id
        Assert.Equal(Enumerable.Range(1, 9_000), byId.Keys.Order());
        foreach (var (id, answer) in byId)
        {
            Assert.True(EcdsaVerifies($"bulk-{id}", answer.GetProperty("result").GetString()), $"bulk request {id}: {answer}");
        }
    }

    [Theory]
    [InlineData("no_client_cert")]
    [InlineData("other_ca_cert")]
    [InlineData("expired_cert")]
    public void ClientsWithoutATrustedValidCertificate_AreRefused(string which)
    {
        Assert.Equal("UNAVAILABLE", fixture.Report.GetProperty(which).GetString());
    }

    [Fact]
    public void KeyServer_LoggedNoErrors()
    {
        Assert.True(fixture.ServerErrors.Count == 0, string.Join('\n', fixture.ServerErrors));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }

    private async Task<bool> VerifiesAsync(InteropCase expected, byte[] payload, byte[] signature)
    {
        var name = Guid.NewGuid().ToString("N");
        var input = Path.Combine(_work, name + ".in");
        var sig = Path.Combine(_work, name + ".sig");
        await File.WriteAllBytesAsync(input, payload);
        await File.WriteAllBytesAsync(sig, signature);
        return await OpenSslCli.VerifyAsync(fixture.Keys.PublicKeyPath(expected.Key), input, sig, expected.VerifyOptions);
    }

    private bool EcdsaVerifies(string text, string? signatureHex)
    {
        if (signatureHex is null)
        {
            return false;
        }

        using var ecdsa = fixture.Keys.LoadEcdsa(KeyServerClientFixture.EcP256);
        var digest = SHA256.HashData(Encoding.ASCII.GetBytes(text));
        return ecdsa.VerifyHash(digest, Convert.FromHexString(signatureHex), DSASignatureFormat.Rfc3279DerSequence);
    }
}
