using Grpc.Core;
using Grpc.Health.V1;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.EndToEnd;

/// <summary>GetCapacity and the standard health check on the real keyserver.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class CapacityAndHealthEndToEndTests(EndToEndFixture fixture)
{
    private const int SignsInARow = 50;

    [Fact]
    public async Task GetCapacity_RightAfterAResponse_ReturnsServedByAndLoadCountersThatAlreadyCountIt()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var client = new KeyServerClient(fixture.Channel);
        var before = await client.GetCapacityAsync(new GetCapacityRequest(), cancellationToken: timeout.Token);

        for (var i = 1; i <= SignsInARow; i++)
        {
            var signed = await client.SignAsync(
                new SignRequest { Id = (ulong)i, Key = new KeyRef { KeyId = EndToEndFixture.EcP256 }, Operation = Operation.EcdsaSha256, Payload = Google.Protobuf.ByteString.CopyFrom(new byte[32]) },
                cancellationToken: timeout.Token);
            var after = await client.GetCapacityAsync(new GetCapacityRequest(), cancellationToken: timeout.Token);

            // Nothing else uses this keyserver now: the counters must include exactly this response.
            Assert.True(signed.OutcomeCase == SignResponse.OutcomeOneofCase.Result, signed.ToString());
            Assert.Equal(before.Load.CompletedTotal + (ulong)i, after.Load.CompletedTotal);
            Assert.Equal(0U, after.Load.InFlight);
            Assert.Equal(0U, after.Load.Queued);
            Assert.Equal(KeyServerTestHost.KeyServerId, after.ServedBy.KeyserverId);
            Assert.Equal(KeyServerTestHost.Datacenter, after.ServedBy.Datacenter);
            Assert.Equal((uint)EndToEndFixture.Workers, after.Load.ConcurrencyLimit);
            Assert.Equal((uint)EndToEndFixture.QueueLimit, after.Load.QueueLimit);
            Assert.Equal(before.Load.RejectedOverloadedTotal, after.Load.RejectedOverloadedTotal);
            Assert.Equal(string.Empty, after.Accelerator.Kind);
            Assert.Equal(1.0, after.Accelerator.Multiplier);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("keylessgeo.v1.KeyServer")]
    public async Task HealthCheck_WhileRunning_IsServing(string service)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var response = await new Health.HealthClient(fixture.Channel).CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: timeout.Token);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task HealthCheck_ForAnUnknownService_IsNotFound()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Health.HealthClient(fixture.Channel).CheckAsync(new HealthCheckRequest { Service = "other.v1.Unknown" }, cancellationToken: timeout.Token));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
