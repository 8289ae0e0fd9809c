using System.Buffers;
using System.Security.Authentication;
using System.Security.Cryptography;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Testing.Keyless;
using Xunit.Abstractions;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary>
/// A million seeded random and mutated messages against the real listener, over reconnects
/// after fatal framing errors: every message is answered exactly once with a well-formed
/// response, the server keeps serving, its connections all close, and memory stays bounded.
/// </summary>
public abstract class KeylessFuzzEndToEndTests(KeylessFixture fixture, ITestOutputHelper output)
{
    /// <summary>These tests on the default transport, Kestrel.</summary>
    [Collection(KeylessCollection.Name)]
    public sealed class OnKestrel(KeylessFixture fixture, ITestOutputHelper output) : KeylessFuzzEndToEndTests(fixture, output);

    /// <summary>These tests on the epoll transport.</summary>
    [Collection(EpollKeylessCollection.Name)]
    public sealed class OnEpoll(EpollKeylessFixture fixture, ITestOutputHelper output) : KeylessFuzzEndToEndTests(fixture, output);

    private const int MessageCount = 1_000_000;
    private const int Seed = 0x4B6C7331;
    private const int FatalOneIn = 40_000;
    private const int BatchBytes = 48 * 1024;
    private const long MemoryGrowthBound = 128L * 1024 * 1024;

    [Fact]
    public async Task MillionRandomAndMutatedMessages_AreEachAnsweredOnce_AndTheListenerStaysHealthy()
    {
        // A hang guard only: the run takes well under a minute on an idle two-core machine.
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var errorsBefore = fixture.Host.ErrorLogs.Count;
        var frames = new FuzzFrames(new Random(Seed), Templates(), FatalOneIn);
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var sent = 0;
        var connections = 0;
        var fatalErrors = 0;
        var buffer = new ArrayBufferWriter<byte>(BatchBytes + 1024);
        while (sent < MessageCount)
        {
            var protocol = connections++ % 2 == 0 ? SslProtocols.Tls13 : SslProtocols.Tls12;
            await using var client = await fixture.ConnectAsync(protocol, hangGuard.Token);
            var responses = ReadAllAsync(client, hangGuard.Token);
            uint nextId = 1;
            KeylessError? fatal = null;
            while (sent < MessageCount && fatal is null)
            {
                buffer.ResetWrittenCount();
                var (messages, ending) = frames.Fill(buffer, ref nextId, BatchBytes, MessageCount - sent);
                await client.WriteAsync(buffer.WrittenMemory, hangGuard.Token);
                sent += messages;
                fatal = ending;
            }

            if (fatal is null)
            {
                await client.ShutdownAsync();
            }

            var answers = await responses;
            var expected = (int)(nextId - 1);
            Assert.True(answers.Count == expected, $"connection {connections}: {expected} messages sent, {answers.Count} answered");
            AssertEachIdOnce(answers, expected, connections);
            if (fatal is { } error)
            {
                fatalErrors++;
                var last = answers[^1];
                Assert.True(last.Id == nextId - 1 && last.IsError && last.Error == error, $"connection {connections}: the fatal header's answer was not last: {last}");
            }
        }

        output.WriteLine($"{sent} messages over {connections} connections, {fatalErrors} closed by a fatal header; memory {memoryBefore / 1024 / 1024} MiB before");
        Assert.True(fatalErrors > 0, "the fuzz never produced a fatal header; the reconnect path went untested");
        await fixture.Listener.WhenNoConnectionsAsync(hangGuard.Token);
        Assert.Equal(0, fixture.Listener.OpenConnections);
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"memory after {memoryAfter / 1024 / 1024} MiB");
        Assert.True(memoryAfter - memoryBefore < MemoryGrowthBound, $"memory grew by {(memoryAfter - memoryBefore) / 1024 / 1024} MiB over the fuzz");

        await using var healthy = await fixture.ConnectAsync(SslProtocols.Tls13, hangGuard.Token);
        var digest = RandomNumberGenerator.GetBytes(32);
        var signed = await healthy.ExchangeAsync(fixture.SignBySki(1, KeylessFixture.EcP256, KeylessOpcode.EcdsaSignSha256, digest), hangGuard.Token);
        using var ecdsa = fixture.Keys.LoadEcdsa(KeylessFixture.EcP256);
        Assert.True(ecdsa.VerifyHash(digest, signed.Payload, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Empty(fixture.Host.ErrorLogs.Skip(errorsBefore));
    }

    /// <summary>Valid unpadded bodies to mutate: pings, signatures with known and unknown keys, every identifier.</summary>
    private byte[][] Templates()
    {
        byte[] Body(in KeylessRequest request) => KeylessTestClient.Encode(0, request, pad: false)[KeylessHeader.Size..];
        return
        [
            Body(new KeylessRequest { Opcode = KeylessOpcode.Ping, Payload = [1, 2, 3, 4] }),
            Body(new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = new byte[32], Ski = new byte[20] }),
            Body(new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = new byte[32], Ski = fixture.Ski(KeylessFixture.EcP256) }),
            Body(new KeylessRequest { Opcode = KeylessOpcode.Ed25519Sign, Payload = new byte[5], Ski = fixture.Ski(KeylessFixture.Ed25519), ServerName = "www.example.com"u8 }),
            Body(new KeylessRequest
            {
                Opcode = KeylessOpcode.RsaSignSha256,
                Payload = new byte[32],
                CertificateDigest = new byte[32],
                ServerName = "a.example.net"u8,
                ClientIp = [192, 0, 2, 1],
                ServerIp = new byte[16],
                CertificateId = [1, 2],
                SpanContext = [3],
            }),
        ];
    }

    private static async Task<List<KeylessTestResponse>> ReadAllAsync(KeylessTestClient client, CancellationToken cancellationToken)
    {
        var responses = new List<KeylessTestResponse>();
        while (await KeylessFramingEndToEndTests.ReadOrNullAsync(client, cancellationToken) is { } response)
        {
            responses.Add(response);
        }

        return responses;
    }

    private static void AssertEachIdOnce(List<KeylessTestResponse> answers, int expected, int connection)
    {
        var seen = new bool[expected + 1];
        foreach (var answer in answers)
        {
            Assert.True(answer.Id >= 1 && answer.Id <= expected && !seen[answer.Id], $"connection {connection}: unexpected or repeated id {answer.Id}");
            seen[answer.Id] = true;
        }
    }
}
