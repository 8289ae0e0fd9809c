using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.Serving.Connections;
using KeylessGeo.Serving.Diagnostics;
using KeylessGeo.Serving.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Grpc;

/// <summary>
/// SignStream responses count against the process-wide response budget the Keyless port uses:
/// clients that send and never read cannot make the server hold more than the budget, the
/// streams holding more than their share are reset, and a client that reads is still answered.
/// </summary>
public sealed class GrpcResponseBudgetEndToEndTests(GrpcLimitsFixture fixture) : IClassFixture<GrpcLimitsFixture>
{
    private const long Budget = 256 * 1024;
    private const int Flooders = 6;

    // Enough that each stalled stream fills what Kestrel buffers for it and then its own share of the budget.
    private const int RequestsPerFlooder = 1500;

    [Fact]
    public async Task SignStreamsThatNeverRead_StayWithinTheBudget_AreResetOverTheirShare_AndAReadingClientIsAnswered()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var logs = new CapturingLoggerProvider();
        await using var host = await fixture.StartAsync(
            new()
            {
                ["Keyless:ResponseBytesBudget"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Keyless:MaxResponseBytesPerConnection"] = "65536",
                ["Keyless:ResponseBudgetGracePeriod"] = "00:00:01",
            },
            logs,
            GrpcLimitsFixture.WithoutMinimumResponseDataRate,
            timeout.Token);
        using var metrics = new MeterRecorder(host.Services);
        var budget = host.Services.GetRequiredService<ResponseBudget>();
        var endPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, host.Address.Port);

        // Each flooder grants the server no flow-control credit at all: not one response byte reaches it.
        var flooders = new List<RawHttp2Client>();
        var sending = new List<Task<bool>>();
        try
        {
            for (var i = 0; i < Flooders; i++)
            {
                var flooder = await RawHttp2Client.ConnectAsync(endPoint, fixture.Tls.ClientCertificate, fixture.Tls.TrustedCa, timeout.Token, initialWindow: 0);
                flooders.Add(flooder);
                Assert.True(await flooder.WaitForSettingsAsync(timeout.Token));
                await flooder.OpenCallAsync(1, timeout.Token);
                sending.Add(flooder.SendMessagesAsync(1, UnknownKeyRequests(), endStream: false, timeout.Token));
            }

            Assert.True(
                SpinWait.SpinUntil(() => metrics.Sum(ServingInstruments.GrpcEnforcedResets, (ServingInstruments.GrpcLimitTag, "response_budget")) > 0, TimeSpan.FromSeconds(60)),
                $"no stream was reset; queued {budget.QueuedBytes} bytes, peak {budget.PeakBytes}");

            // A client that reads its answers is served, the budget shared with whoever remains.
            using var channel = host.CreateChannel();
            using var reader = new KeyServerClient(channel).SignStream(cancellationToken: timeout.Token);
            var requests = Enumerable.Range(1, 50).Select(id => GrpcLimitsFixture.Request((ulong)id, "reader " + id)).ToDictionary(r => r.Id);
            foreach (var request in requests.Values)
            {
                await reader.RequestStream.WriteAsync(request, timeout.Token);
            }

            await reader.RequestStream.CompleteAsync();
            var answered = 0;
            while (await reader.ResponseStream.MoveNext(timeout.Token))
            {
                var response = reader.ResponseStream.Current;
                fixture.AssertSigned(requests[response.Id], response);
                answered++;
            }

            Assert.Equal(requests.Count, answered);
            Assert.InRange(budget.PeakBytes, Budget / 2, Budget);
            Assert.Contains(flooders, flooder => flooder.WasReset(1));
            Assert.All(flooders, flooder => Assert.Equal(0, flooder.DataBytesReceived));
            var warning = logs.Entries.First(e => e.EventId.Name == "SignStreamResponseBudgetExceeded");
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains("CN=edge-test-1", warning.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var flooder in flooders)
            {
                await flooder.DisposeAsync();
            }

            // They end with the connections (false: reset or closed before all was sent).
            foreach (var send in sending)
            {
                try
                {
                    await send;
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    // Writing into the connection the test just closed.
                }
            }
        }

        // Every byte the stalled streams reserved comes back when they end.
        Assert.True(SpinWait.SpinUntil(() => budget.QueuedBytes == 0, TimeSpan.FromSeconds(30)), $"{budget.QueuedBytes} bytes still reserved");
        Assert.Empty(host.ErrorLogs);
    }

    [Fact]
    public async Task UnreadAnswers_StayReservedAtTheirRequestsSizePlusTheAllowance_UntilTheStreamEnds()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var host = await fixture.StartAsync(new(), null, GrpcLimitsFixture.WithoutMinimumResponseDataRate, timeout.Token);
        var budget = host.Services.GetRequiredService<ResponseBudget>();
        // 299 requests of one size, then a larger last one: the bytes released can then only be a
        // whole number of the first kind's cost once the last request, too, has been read.
        var requests = UnknownKeyRequests(300, firstId: 128).ToList();
        requests[^1] = UnknownKeyRequest(427, payloadLength: 532);
        var cost = requests[0].Length + SignStreamBudget.ResponseAllowance;
        var expected = (299L * cost) + requests[^1].Length + SignStreamBudget.ResponseAllowance;
        Assert.All(requests[..^1], request => Assert.Equal(requests[0].Length, request.Length));

        // No flow-control credit: not one answer can reach the client.
        await using (var stalled = await ConnectAsync(host, timeout.Token))
        {
            Assert.True(await stalled.SendMessagesAsync(1, requests, endStream: false, timeout.Token));

            // Every request read reserved its size plus the allowance; the first answers, written and
            // flushed into what Kestrel buffers for the stream before flow control stops it, were
            // released, exactly their own costs.
            Assert.True(
                SpinWait.SpinUntil(() => (expected - budget.QueuedBytes) % cost == 0, TimeSpan.FromSeconds(30)),
                $"{budget.QueuedBytes} bytes reserved of {expected}: not the cost of the unanswered requests");
            var released = (expected - budget.QueuedBytes) / cost;
            Assert.InRange(released, 0, requests.Count / 2);
            Assert.Equal(0, stalled.DataBytesReceived);
        }

        Assert.True(SpinWait.SpinUntil(() => budget.QueuedBytes == 0, TimeSpan.FromSeconds(30)), $"{budget.QueuedBytes} bytes still reserved after the stream ended");
        Assert.Empty(host.ErrorLogs);
    }

    /// <summary>A client with an open SignStream (stream 1) that grants the server no flow-control credit.</summary>
    private async Task<RawHttp2Client> ConnectAsync(KeylessGeo.KeyServer.Testing.KeyServerTestHost host, CancellationToken cancellationToken)
    {
        var client = await RawHttp2Client.ConnectAsync(
            new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, host.Address.Port), fixture.Tls.ClientCertificate, fixture.Tls.TrustedCa, cancellationToken, initialWindow: 0);
        Assert.True(await client.WaitForSettingsAsync(cancellationToken));
        await client.OpenCallAsync(1, cancellationToken);
        return client;
    }

    private static IEnumerable<byte[]> UnknownKeyRequests(int count = RequestsPerFlooder, int firstId = 1)
    {
        for (var id = firstId; id < firstId + count; id++)
        {
            yield return UnknownKeyRequest((ulong)id, payloadLength: 32);
        }
    }

    // Answered KEY_NOT_FOUND at once, without a signing worker: a flood of them costs no CPU.
    private static byte[] UnknownKeyRequest(ulong id, int payloadLength) => new SignRequest
    {
        Id = id,
        Key = new KeyRef { KeyId = "no-such-key" },
        Operation = Operation.EcdsaSha256,
        Payload = ByteString.CopyFrom(new byte[payloadLength]),
    }.ToByteArray();
}
