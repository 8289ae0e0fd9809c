using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.KeyServer.Tests.Infrastructure;
using KeylessGeo.KeyServer.Testing.Otlp;
using KeylessGeo.Telemetry;
using KeylessGeo.Testing;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.KeyServer.Tests.Diagnostics;

/// <summary>The real keyserver sends its metrics over OTLP/HTTP to a collector on loopback.</summary>
public sealed class TelemetryExportEndToEndTests
{
    private const string ServiceName = "keyserver-otel-e2e";
    private const string Key = "ecp256";

    [Fact]
    public async Task Keyserver_WithOtlpEndpoint_ExportsOperationsWithItsIdentity()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var keys = new TestKeyDirectory();
        using var tls = TestTlsMaterial.Create();
        await keys.AddAsync(Key, TestKeyType.EcP256);
        await using var receiver = await OtlpHttpReceiver.StartAsync(timeout.Token);
        await using var host = await KeyServerTestHost.StartAsync(keys.Path, tls, new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = receiver.Address.ToString(),
            ["Telemetry:OtlpProtocol"] = TelemetryOptions.HttpProtobuf,
            ["Telemetry:ExportInterval"] = "00:00:00.200",
            ["Telemetry:ServiceName"] = ServiceName,
            ["KeyServer:Admission:DefaultDeadline"] = "00:00:30",
        }, timeout.Token);
        using var channel = host.CreateChannel();

        for (var id = 1UL; id <= 3; id++)
        {
            var response = await new KeyServerClient(channel).SignAsync(
                new SignRequest { Id = id, Key = new KeyRef { KeyId = Key }, Operation = Operation.EcdsaSha256, Payload = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)) },
                cancellationToken: timeout.Token);
            Assert.True(response.OutcomeCase == SignResponse.OutcomeOneofCase.Result, response.ToString());
        }

        var body = await receiver.WaitForBodyContainingAsync(KeyServerInstruments.Operations, timeout.Token);

        string[] expected =
        [
            KeyServerInstruments.OperationDuration,
            KeyServerInstruments.QueueWait,
            KeyServerInstruments.OperationTag,
            KeyServerInstruments.AlgorithmTag,
            KeyServerInstruments.ErrorCodeTag,
            "ecdsa-p256",
            ServiceName,
            KeyServerTestHost.KeyServerId,
            KeyServerTelemetryServiceCollectionExtensions.DatacenterAttribute,
            KeyServerTestHost.Datacenter,
        ];
        foreach (var text in expected)
        {
            Assert.True(Contains(body, text), string.Create(CultureInfo.InvariantCulture, $"the OTLP body ({body.Length} bytes) lacks '{text}'"));
        }

        Assert.Empty(host.ErrorLogs);
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
