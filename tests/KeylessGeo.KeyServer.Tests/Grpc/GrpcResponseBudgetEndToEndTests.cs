using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Connections;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Tests.Connections;
using KeylessGeo.KeyServer.Tests.Infrastructure;
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
                SpinWait.SpinUntil(() => metrics.Sum(KeyServerInstruments.GrpcEnforcedResets, (KeyServerInstruments.GrpcLimitTag, "response_budget")) > 0, TimeSpan.FromSeconds(60)),
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
        await using var host = await fixture.StartAsync(new(), null, timeout.Token);
        var budget = host.Services.GetRequiredService<ResponseBudget>();
        var requests = UnknownKeyRequests(300).ToList();
        var expected = requests.Sum(request => (long)request.Length + 1024);

        // No flow-control credit: not one answer can leave, so Kestrel buffers none of them either.
        await using (var stalled = await RawHttp2Client.ConnectAsync(
            new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, host.Address.Port), fixture.Tls.ClientCertificate, fixture.Tls.TrustedCa, timeout.Token, initialWindow: 0))
        {
            Assert.True(await stalled.WaitForSettingsAsync(timeout.Token));
            await stalled.OpenCallAsync(1, timeout.Token);
            Assert.True(await stalled.SendMessagesAsync(1, requests, endStream: false, timeout.Token));

            Assert.True(SpinWait.SpinUntil(() => budget.QueuedBytes == expected, TimeSpan.FromSeconds(30)), $"{budget.QueuedBytes} bytes reserved, {expected} expected");
        }

        Assert.True(SpinWait.SpinUntil(() => budget.QueuedBytes == 0, TimeSpan.FromSeconds(30)), $"{budget.QueuedBytes} bytes still reserved after the stream ended");
        Assert.Equal(expected, budget.PeakBytes);
        Assert.Empty(host.ErrorLogs);
    }

    private static IEnumerable<byte[]> UnknownKeyRequests(int count = RequestsPerFlooder)
    {
        // Answered KEY_NOT_FOUND at once, without a signing worker: the flood costs no CPU.
        for (ulong id = 1; id <= (ulong)count; id++)
        {
            yield return new SignRequest
            {
                Id = id,
                Key = new KeyRef { KeyId = "no-such-key" },
                Operation = Operation.EcdsaSha256,
                Payload = ByteString.CopyFrom(new byte[32]),
            }.ToByteArray();
        }
    }
}
