using System.Diagnostics.Metrics;
using System.Security.Authentication;
using System.Security.Cryptography;
using KeylessGeo.KeyServer.Diagnostics;
using KeylessGeo.KeyServer.Hosting;
using KeylessGeo.KeyServer.Signing;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Serving.Diagnostics;
using KeylessGeo.Serving.Signing;
using KeylessGeo.Testing.Keyless;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>The Keyless listener inside the keyserver process: configuration, overload, metrics, shutdown.</summary>
public abstract class KeylessHostingEndToEndTests(KeylessFixture fixture)
{
    /// <summary>These tests on the default transport, Kestrel.</summary>
    [Collection(KeylessCollection.Name)]
    public sealed class OnKestrel(KeylessFixture fixture) : KeylessHostingEndToEndTests(fixture);

    /// <summary>These tests on the epoll transport.</summary>
    [Collection(EpollKeylessCollection.Name)]
    public sealed class OnEpoll(EpollKeylessFixture fixture) : KeylessHostingEndToEndTests(fixture);

    [Fact]
    public async Task Keyserver_WithKeylessDisabled_ServesGrpcOnly()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var host = await fixture.StartHostAsync(new Dictionary<string, string?> { ["Keyless:Enabled"] = "false" }, timeout.Token);

        Assert.Null(host.KeylessEndPoint);
        Assert.Null(host.Keyless.EndPoint);
    }

    [Fact]
    public void Create_WithBadKeylessSettings_ListsThemWithTheOtherErrors()
    {
        var missing = Path.Combine(Path.GetTempPath(), "keylessgeo-missing-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["KeyServer:Id"] = "ks-bad",
            ["KeyServer:Datacenter"] = "bad1",
            ["KeyServer:KeysDirectory"] = fixture.Keys.Path,
            ["Listen:Port"] = "70000",
            ["Listen:CertificatePath"] = Path.Combine(missing, "server.crt"),
            ["Listen:KeyPath"] = Path.Combine(missing, "server.key"),
            ["Listen:ClientCaPath"] = Path.Combine(missing, "ca.crt"),
            ["Keyless:Port"] = "-2",
            ["Keyless:MaxInFlightPerConnection"] = "0",
            ["Keyless:ClientCaPath"] = Path.Combine(missing, "keyless-ca.crt"),
            ["Keyless:Transport"] = "bogus",
        };

        var error = Assert.Throws<OptionsValidationException>(() =>
            KeyServerApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(settings)));

        string[] expected =
        [
            "Listen:Port 70000",
            "Listen:CertificatePath",
            "Listen:KeyPath",
            "Listen:ClientCaPath",
            "Keyless:Port -2",
            "Keyless:MaxInFlightPerConnection 0",
            "Keyless:Transport 'bogus'",
        ];
        Assert.Equal(expected.Length, error.Failures.Count());
        foreach (var field in expected)
        {
            Assert.Contains(error.Failures, failure => failure.StartsWith(field, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Create_WithAnUnreadableKeylessCertificate_IsAConfigurationError()
    {
        var directory = Directory.CreateTempSubdirectory("keylessgeo-keyless-badcert-").FullName;
        try
        {
            var pem = fixture.Tls.WritePem(directory);
            var garbage = Path.Combine(directory, "garbage.crt");
            File.WriteAllText(garbage, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
            var settings = new Dictionary<string, string?>
            {
                ["KeyServer:Id"] = "ks-bad",
                ["KeyServer:Datacenter"] = "bad1",
                ["KeyServer:KeysDirectory"] = fixture.Keys.Path,
                ["Listen:Port"] = "0",
                ["Listen:CertificatePath"] = pem.ServerCertificate,
                ["Listen:KeyPath"] = pem.ServerKey,
                ["Listen:ClientCaPath"] = pem.CaCertificate,
                ["Keyless:Port"] = "0",
                ["Keyless:CertificatePath"] = garbage,
            };

            var error = Assert.Throws<OptionsValidationException>(() =>
                KeyServerApplication.Create([], builder => builder.Configuration.AddInMemoryCollection(settings)));

            var failure = Assert.Single(error.Failures);
            Assert.StartsWith("Keyless: Cannot load certificate", failure, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Flood_OnASmallQueue_IsAnsweredInternalErrorForTheExcess_AndEveryIdExactlyOnce()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        const int Requests = 300;
        await using var host = await fixture.StartHostAsync(
            new Dictionary<string, string?> { ["KeyServer:Admission:Workers"] = "1", ["KeyServer:Admission:QueueLimit"] = "4" },
            timeout.Token);
        var digests = Enumerable.Range(0, Requests + 1).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        var bytes = Enumerable.Range(1, Requests).SelectMany(id => fixture.SignBySki((uint)id, KeylessFixture.Rsa2048, KeylessOpcode.RsaSignSha256, digests[id])).ToArray();
        await using var client = await fixture.ConnectAsync(host.KeylessEndPoint!, SslProtocols.Tls13, timeout.Token);
        var writer = client.WriteAsync(bytes, timeout.Token);

        var responses = new Dictionary<uint, KeylessTestResponse>();
        for (var i = 0; i < Requests; i++)
        {
            var response = await client.ReadAsync(timeout.Token);
            Assert.True(responses.TryAdd(response!.Id, response), $"id {response.Id} answered twice");
        }

        await writer;
        var refused = responses.Values.Count(r => r.IsError);
        Assert.True(refused >= 1, "nothing was refused: the queue limit did not apply");
        Assert.All(responses.Values.Where(r => r.IsError), r => Assert.Equal(KeylessError.InternalError, r.Error));
        using var rsa = fixture.Keys.LoadRsa(KeylessFixture.Rsa2048);
        Assert.All(responses.Values.Where(r => !r.IsError), r =>
            Assert.True(rsa.VerifyHash(digests[r.Id], r.Payload, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        var load = host.Services.GetRequiredService<ISigningService>().GetCapacity().Load;
        Assert.Equal((ulong)refused, load.RejectedOverloadedTotal);
        Assert.Empty(host.ErrorLogs);
    }

    [Fact]
    public async Task Requests_AreCountedByOpcodeAndWireError_AndConnectionsUpAndDown()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var scope = fixture.Host.Services.GetRequiredService<IMeterFactory>();
        // A connection an earlier test closed may still be counting down: start from none open.
        await fixture.Listener.WhenNoConnectionsAsync(timeout.Token);

        // The request counter is observable (cumulative totals, read when collected): the test
        // compares totals before and after its requests.
        var requests = new Dictionary<(string? Opcode, string? Error), long>();
        long connections = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == scope && instrument.Name is ServingInstruments.KeylessRequests or ServingInstruments.KeylessConnections)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (requests)
            {
                if (instrument.Name == ServingInstruments.KeylessConnections)
                {
                    connections += value;
                    return;
                }

                string? opcode = null, error = null;
                foreach (var tag in tags)
                {
                    opcode = tag.Key == ServingInstruments.KeylessOpcodeTag ? (string?)tag.Value : opcode;
                    error = tag.Key == ServingInstruments.KeylessErrorTag ? (string?)tag.Value : error;
                }

                requests[(opcode, error)] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        Dictionary<(string? Opcode, string? Error), long> before;
        lock (requests)
        {
            before = new(requests);
        }

        long Added(string opcode, string error)
        {
            listener.RecordObservableInstruments();
            lock (requests)
            {
                return requests.GetValueOrDefault((opcode, error)) - before.GetValueOrDefault((opcode, error));
            }
        }

        await using (var client = await fixture.ConnectAsync(SslProtocols.Tls13, timeout.Token))
        {
            await client.ExchangeAsync(KeylessTestClient.Ping(1, [1]), timeout.Token);
            await client.ExchangeAsync(KeylessTestClient.Encode(2, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = new byte[32], Ski = new byte[20] }), timeout.Token);
            await client.ExchangeAsync(RawFrames.Build(3, RawFrames.Opcode((KeylessOpcode)0x99)), timeout.Token);
            lock (requests)
            {
                Assert.Equal(1, connections);
            }
        }

        await fixture.Listener.WhenNoConnectionsAsync(timeout.Token);
        lock (requests)
        {
            Assert.Equal(0, connections);
        }

        Assert.Equal(1, Added("PING", "OK"));
        Assert.Equal(1, Added("ECDSA_SIGN_SHA256", "KEY_NOT_FOUND"));
        Assert.Equal(1, Added("UNKNOWN", "BAD_OPCODE"));
    }

    [Fact]
    public async Task Shutdown_ClosesIdleConnections_AndStopsPromptly()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var host = await fixture.StartHostAsync(new Dictionary<string, string?>(), timeout.Token);
        var listener = host.Keyless;
        await using var client = await fixture.ConnectAsync(host.KeylessEndPoint!, SslProtocols.Tls13, timeout.Token);
        var pong = await client.ExchangeAsync(KeylessTestClient.Ping(1, [5]), timeout.Token);
        Assert.Equal([5], pong.Payload);

        await host.DisposeAsync().AsTask().WaitAsync(timeout.Token);

        Assert.Null(await KeylessFramingEndToEndTests.ReadOrNullAsync(client, timeout.Token));
        Assert.Equal(0, listener.OpenConnections);
    }
}
