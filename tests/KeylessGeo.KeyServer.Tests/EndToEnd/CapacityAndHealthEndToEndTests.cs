using KeylessGeo.Contracts.Health.V1;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Rpc.Client;
using KeylessGeo.Rpc.Contracts;
using KeylessGeo.Rpc.Status;

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
        var options = new RpcCallOptions { CancellationToken = timeout.Token };
        var before = await fixture.Channel.UnaryAsync(KeyServerMethods.GetCapacity, new GetCapacityRequest(), options);

        for (var i = 1; i <= SignsInARow; i++)
        {
            var signed = await fixture.Channel.UnaryAsync(
                KeyServerMethods.Sign,
                new SignRequest { Id = (ulong)i, Key = new KeyRef { KeyId = EndToEndFixture.EcP256 }, Operation = Operation.EcdsaSha256, Payload = Google.Protobuf.ByteString.CopyFrom(new byte[32]) },
                options);
            var after = await fixture.Channel.UnaryAsync(KeyServerMethods.GetCapacity, new GetCapacityRequest(), options);

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
    [InlineData(KeyServerMethods.ServiceName)]
    public async Task HealthCheck_WhileRunning_IsServing(string service)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var response = await fixture.Channel.UnaryAsync(HealthMethods.Check, new HealthCheckRequest { Service = service }, new RpcCallOptions { CancellationToken = timeout.Token });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task HealthCheck_ForAnUnknownService_IsNotFound()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await fixture.Channel.UnaryAsync(HealthMethods.Check, new HealthCheckRequest { Service = "other.v1.Unknown" }, new RpcCallOptions { CancellationToken = timeout.Token }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("other.v1.Unknown", error.Status.Detail, StringComparison.Ordinal);
    }
}
