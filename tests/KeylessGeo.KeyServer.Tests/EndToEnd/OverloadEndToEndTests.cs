using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using Grpc.Core;
using KeylessGeo.KeyServer.Testing;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>Per-request timeouts and a small queue on the real keyserver: refusals, never an unbounded queue.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class OverloadEndToEndTests(EndToEndFixture fixture)
{
    private const int RequestCount = 300;
    private const int QueueLimit = 4;

    [Fact]
    public async Task SignStream_FloodWithShortTimeouts_IsAnsweredOverloaded_AndEveryIdExactlyOnce()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var host = await KeyServerTestHost.StartAsync(
            fixture.Keys.Path,
            fixture.Tls,
            new Dictionary<string, string?>
            {
                ["KeyServer:Admission:Workers"] = "1",
                ["KeyServer:Admission:QueueLimit"] = QueueLimit.ToString(CultureInfo.InvariantCulture),
            },
            timeout.Token);
        using var channel = host.CreateChannel();
        var digests = new Dictionary<ulong, byte[]>();
        for (ulong id = 1; id <= RequestCount; id++)
        {
            digests[id] = RandomNumberGenerator.GetBytes(32);
        }

        var client = new KeyServerClient(channel);
        using var call = client.SignStream(cancellationToken: timeout.Token);
        var writer = Task.Run(
            async () =>
            {
                foreach (var (id, digest) in digests)
                {
                    await call.RequestStream.WriteAsync(
                        new SignRequest
                        {
                            Id = id,
                            Key = new KeyRef { KeyId = EndToEndFixture.RsaPkcs1 },
                            Operation = Operation.RsaPkcs1Sha256,
                            Payload = ByteString.CopyFrom(digest),
                            TimeoutMs = 50,
                        },
                        timeout.Token);
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

        var byId = responses.ToDictionary(r => r.Id); // throws on a duplicate id
        Assert.Equal(digests.Keys.Order(), byId.Keys.Order());
        var successes = responses.Count(r => r.OutcomeCase == SignResponse.OutcomeOneofCase.Result);
        var overloaded = responses.Count(r => r.Error?.Code == ErrorCode.Overloaded);
        var expired = responses.Count(r => r.Error?.Code == ErrorCode.DeadlineExceeded);
        Assert.True(overloaded >= 1, $"no request was refused: {successes} succeeded, {expired} expired");
        Assert.Equal(RequestCount, successes + overloaded + expired);
        foreach (var response in responses.Where(r => r.OutcomeCase == SignResponse.OutcomeOneofCase.Result))
        {
            Assert.True(SignatureCheck.InProcess(fixture.Keys, EndToEndFixture.RsaPkcs1, Operation.RsaPkcs1Sha256, digests[response.Id], response.Result.ToByteArray()));
        }

        var capacity = await client.GetCapacityAsync(new GetCapacityRequest(), cancellationToken: timeout.Token);
        Assert.Equal((ulong)overloaded, capacity.Load.RejectedOverloadedTotal);
        Assert.Equal((uint)QueueLimit, capacity.Load.QueueLimit);
        Assert.Equal(0U, capacity.Load.Queued);
        Assert.Empty(host.ErrorLogs);
    }
}
