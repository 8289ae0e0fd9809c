using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using Grpc.Core;
using KeylessGeo.KeyServer.Testing;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>
/// The real keyserver's SignStream over mutual TLS: ten thousand messages on one stream, a tenth of them
/// malformed protobuf and many of the rest bad requests of other kinds; each is answered once and correctly.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SignStreamEndToEndTests(EndToEndFixture fixture)
{
    private const int RequestCount = 9000;
    private const int MalformedEvery = 9;
    private const int Ed25519OpenSslSamples = 5;

    [Fact]
    public async Task SignStream_WithTenThousandMessagesATenthMalformed_AnswersEveryIdOnceWithTheRightOutcome()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        var errorsBefore = fixture.Host.ErrorLogs.Count;
        var expected = new Dictionary<ulong, Expectation>();
        var frames = new List<RawSignRequest>();
        for (ulong id = 1; id <= RequestCount; id++)
        {
            var expectation = Build(id);
            expected.Add(id, expectation);
            frames.Add(RawSignRequest.Of(expectation.Request));
            if (id % MalformedEvery == 0)
            {
                frames.Add(RawSignRequest.Truncated());
            }
        }

        var malformedSent = RequestCount / MalformedEvery;
        Assert.Equal(10_000, frames.Count);
        using var call = fixture.Channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawKeyServerMethods.SignStream, null, new CallOptions(cancellationToken: timeout.Token));
        var writer = Task.Run(
            async () =>
            {
                foreach (var frame in frames)
                {
                    await call.RequestStream.WriteAsync(frame, timeout.Token);
                }

                await call.RequestStream.CompleteAsync();
            },
            timeout.Token);
        var responses = new List<SignResponse>();
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            responses.Add(call.ResponseStream.Current);
        }

        await writer;
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);

        var malformed = responses.Where(r => r.Id == 0).ToList();
        Assert.Equal(malformedSent, malformed.Count);
        Assert.All(malformed, r =>
        {
            Assert.Equal(ErrorCode.BadRequest, r.Error?.Code);
            Assert.Contains("not a valid SignRequest", r.Error!.Message, StringComparison.Ordinal);
        });

        var answered = responses.Where(r => r.Id != 0).ToList();
        Assert.Equal(RequestCount, answered.Count);
        var byId = answered.ToDictionary(r => r.Id); // throws on a duplicate id
        Assert.Equal(expected.Keys.Order(), byId.Keys.Order());

        var ed25519Checked = 0;
        foreach (var (id, expectation) in expected)
        {
            var response = byId[id];
            Assert.Equal(KeyServerTestHost.KeyServerId, response.ServedBy?.KeyserverId);
            if (expectation.Error is { } code)
            {
                Assert.True(response.Error?.Code == code, $"request {id} ({expectation.Kind}): expected {code}, got {response}");
                continue;
            }

            Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, $"request {id} ({expectation.Kind}) failed: {response}");
            var payload = expectation.Request.Payload.ToByteArray();
            var signature = response.Result.ToByteArray();
            if (expectation.Request.Operation == Operation.Ed25519)
            {
                Assert.Equal(64, signature.Length);
                if (ed25519Checked++ < Ed25519OpenSslSamples)
                {
                    Assert.True(
                        await SignatureCheck.OpenSslAsync(fixture.Keys.PublicKeyPath(expectation.Key), payload, signature, ["-rawin"]),
                        $"openssl did not verify the Ed25519 signature of request {id}");
                }
            }
            else
            {
                Assert.True(
                    SignatureCheck.InProcess(fixture.Keys, expectation.Key, expectation.Request.Operation, payload, signature),
                    $"request {id} ({expectation.Kind}): the signature does not verify");
            }
        }

        Assert.Equal(Ed25519OpenSslSamples, Math.Min(ed25519Checked, Ed25519OpenSslSamples));
        Assert.Empty(fixture.Host.ErrorLogs.Skip(errorsBefore));
    }

    private Expectation Build(ulong id)
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        return (id % 10) switch
        {
            0 => Sign(id, "ecdsa", EndToEndFixture.EcP256, new KeyRef { KeyId = EndToEndFixture.EcP256 }, Operation.EcdsaSha256, digest),
            1 => Sign(id, "rsa-pkcs1", EndToEndFixture.RsaPkcs1, new KeyRef { KeyId = EndToEndFixture.RsaPkcs1 }, Operation.RsaPkcs1Sha256, digest),
            2 => Sign(id, "ed25519", EndToEndFixture.Ed25519, new KeyRef { KeyId = EndToEndFixture.Ed25519 }, Operation.Ed25519, RandomNumberGenerator.GetBytes(1 + (int)(id % 97))),
            3 => Fail(id, "unknown key", new KeyRef { KeyId = "no-such-key-" + id }, Operation.EcdsaSha256, digest, ErrorCode.KeyNotFound),
            4 => Fail(id, "empty key reference", new KeyRef(), Operation.EcdsaSha256, digest, ErrorCode.BadRequest),
            5 => Fail(id, "wrong payload length", new KeyRef { KeyId = EndToEndFixture.EcP256 }, Operation.EcdsaSha256, digest[..31], ErrorCode.BadRequest),
            6 => Fail(id, "operation for another key type", new KeyRef { KeyId = EndToEndFixture.RsaPkcs1 }, Operation.Ed25519, digest, ErrorCode.BadRequest),
            7 => Sign(id, "invalid SNI with SKI", EndToEndFixture.EcP256, new KeyRef { Sni = InvalidSni(), Ski = ByteString.CopyFrom(fixture.Keys.Ski(EndToEndFixture.EcP256)) }, Operation.EcdsaSha256, digest),
            8 => Sign(id, "rsa-pss", EndToEndFixture.RsaPkcs8, new KeyRef { KeyId = EndToEndFixture.RsaPkcs8 }, Operation.RsaPssSha256, digest),
            _ => Sign(id, "ecdsa-by-ski", EndToEndFixture.EcP256, new KeyRef { Ski = ByteString.CopyFrom(fixture.Keys.Ski(EndToEndFixture.EcP256)) }, Operation.EcdsaSha256, digest),
        };
    }

    /// <summary>A 300-character URL: not a host name, so the keyserver must ignore it.</summary>
    private static string InvalidSni()
    {
        var sni = "https://" + new string('a', 280) + ".example.com/";
        return sni.Length >= 300 ? sni[..300] : sni.PadRight(300, 'x');
    }

    private static Expectation Sign(ulong id, string kind, string key, KeyRef keyRef, Operation operation, byte[] payload) =>
        new(kind, key, Request(id, keyRef, operation, payload), null);

    private static Expectation Fail(ulong id, string kind, KeyRef keyRef, Operation operation, byte[] payload, ErrorCode error) =>
        new(kind, "", Request(id, keyRef, operation, payload), error);

    private static SignRequest Request(ulong id, KeyRef keyRef, Operation operation, byte[] payload) =>
        new() { Id = id, Key = keyRef, Operation = operation, Payload = ByteString.CopyFrom(payload) };

    private sealed record Expectation(string Kind, string Key, SignRequest Request, ErrorCode? Error);
}
