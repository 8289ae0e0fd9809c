using System.Globalization;
using System.Security.Cryptography;
using Grpc.Core;
using KeylessGeo.EdgeAgent.Tests.Infrastructure;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Testing.Otlp;
using KeylessGeo.Serving.Tracing;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeAgent.Tests.Diagnostics;

/// <summary>
/// A terminator's trace reaches the keyserver through the agent: the agent's span of the request
/// is the child of the terminator's span, its upstream attempt the child of that, and the keyserver
/// process's span the child of the attempt, as both processes export them to one OTLP collector.
/// </summary>
public sealed class TracePropagationEndToEndTests
{
    [Fact]
    public async Task TraceContextInTheRequestOrInMetadata_TravelsFromTerminatorThroughAgentToKeyserver()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var tls = TestTlsMaterial.Create();
        using var keys = new TestKeyDirectory();
        await keys.AddAsync("ec", TestKeyType.EcP256);
        await using var collector = await OtlpHttpReceiver.StartAsync(timeout.Token);
        var telemetry = new Dictionary<string, string>
        {
            ["Telemetry:OtlpEndpoint"] = collector.Address.ToString(),
            ["Telemetry:ExportInterval"] = "00:00:00.200",

            // Only what the caller sampled is traced: every exported span belongs to this test.
            ["Telemetry:Tracing:SampleRatio"] = "0",
        };
        await using var keyserver = await KeyServerProcess.StartAsync(
            keys.Path, tls, new Dictionary<string, string>(telemetry) { ["KeyServer:Id"] = "ks-traced" }, null, timeout.Token);
        await using var agent = await EdgeAgentTestHost.StartAsync(tls, "prc1", new Dictionary<string, string?>(telemetry.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
        {
            ["Upstreams:LocalKeyserver"] = string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{keyserver.GrpcEndPoint.Port}"),
        }, timeout.Token);
        using var channel = agent.CreateChannel();
        var client = new Contracts.V1.KeyServer.KeyServerClient(channel);

        var (inField, inFieldParent) = NewTraceparent();
        var request = AgentRequests.EcdsaSha256(1, keys.Ski("ec"));
        request.Traceparent = inField;
        var answered = await client.SignAsync(request, cancellationToken: timeout.Token);
        Assert.Null(answered.Error);

        var (inMetadata, inMetadataParent) = NewTraceparent();
        answered = await client.SignAsync(
            AgentRequests.EcdsaSha256(2, keys.Ski("ec")), new Metadata { { "traceparent", inMetadata } }, cancellationToken: timeout.Token);
        Assert.Null(answered.Error);

        var spans = await collector.WaitForSpansAsync(
            all => all.Count(s => s.TraceId == TraceId(inField)) >= 3 && all.Count(s => s.TraceId == TraceId(inMetadata)) >= 3, timeout.Token);

        AssertChain(spans, TraceId(inField), inFieldParent);
        AssertChain(spans, TraceId(inMetadata), inMetadataParent);
    }

    private static void AssertChain(IReadOnlyList<OtlpSpan> spans, string traceId, string terminatorSpan)
    {
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var agentServer = Assert.Single(trace, s => s.Service == "keylessgeo-edge-agent" && s.Kind == OtlpSpan.ServerKind);
        var agentAttempt = Assert.Single(trace, s => s.Service == "keylessgeo-edge-agent" && s.Kind == OtlpSpan.ClientKind);
        var keyserverServer = Assert.Single(trace, s => s.Service == "keylessgeo-keyserver" && s.Kind == OtlpSpan.ServerKind);

        Assert.Equal(SigningTrace.ServerSpan, agentServer.Name);
        Assert.Equal(terminatorSpan, agentServer.ParentSpanId);
        Assert.Equal(SigningTrace.ClientSpan, agentAttempt.Name);
        Assert.Equal(agentServer.SpanId, agentAttempt.ParentSpanId);
        Assert.Equal(SigningTrace.ServerSpan, keyserverServer.Name);
        Assert.Equal(agentAttempt.SpanId, keyserverServer.ParentSpanId);
        Assert.Equal("ks-traced", agentAttempt.Attributes["keylessgeo.served_by"]);
        Assert.Equal("ks-traced", keyserverServer.Attributes["keylessgeo.served_by"]);
        Assert.Equal("OPERATION_ECDSA_SHA256", keyserverServer.Attributes["keylessgeo.operation"]);
    }

    private static (string Traceparent, string SpanId) NewTraceparent()
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var spanId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return ($"00-{traceId}-{spanId}-01", spanId);
    }

    private static string TraceId(string traceparent) => traceparent.Split('-')[1];
}
