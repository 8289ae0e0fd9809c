using System.Security.Cryptography;
using KeylessGeo.EdgeAgent.Tests.Infrastructure;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.EdgeAgent.Tests.Routing;

/// <summary>
/// The Keyless Everywhere incident replayed on the agent: one terminator connection carries 1,000
/// interleaved requests of which some are bad in different ways and some are for a key whose
/// keyserver is overloaded. Every good request succeeds, the connection stays open, and each
/// failure is answered once, with its own code; the overloaded ones reached the keyserver once
/// each (never retried).
/// </summary>
public sealed class IncidentReplayEndToEndTests
{
    private enum Kind
    {
        Good,
        UnknownKey,
        WrongPayloadLength,
        UnknownOpcode,
        LongServerName,
        OverloadedKey,
    }

    [Fact]
    public async Task OneConnection_ThousandInterleavedRequests_EachFailureAnsweredAlone()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var tls = TestTlsMaterial.Create();
        using var keys = new TestKeyDirectory();
        await keys.AddAsync("ec", TestKeyType.EcP256);
        await keys.AddAsync("hot", TestKeyType.EcP256);

        // The whole burst may queue at the keyserver and the agent: overload here is one key's
        // keyserver answering OVERLOADED, not the burst itself.
        await using var keyserver = await KeyServerTestHost.StartAsync(keys.Path, tls, new Dictionary<string, string?> { ["KeyServer:Admission:QueueLimit"] = "2048" }, timeout.Token);
        using var realChannel = keyserver.CreateChannel();
        await using var front = await OverloadedKeyKeyServer.StartAsync(realChannel, keys.Ski("hot"));
        await using var agent = await EdgeAgentTestHost.StartAsync(tls, KeyServerTestHost.Datacenter, new Dictionary<string, string?>
        {
            ["Upstreams:LocalKeyserver"] = front.Address,
            ["Upstreams:MaxInFlightPerUpstream"] = "2048",
        }, timeout.Token);
        await using var client = await KeylessTestClient.ConnectPlainAsync(agent.KeylessEndPoint, timeout.Token);
        using var publicKey = keys.LoadEcdsa("ec");
        var ski = keys.Ski("ec");
        var longName = System.Text.Encoding.ASCII.GetBytes("https://" + new string('a', 280) + ".example.com/"); // a URL, 300+ characters, sent as SNI

        const int Requests = 1000;
        var kinds = new Kind[Requests + 1];
        var digests = new byte[Requests + 1][];
        var frames = new List<byte>();
        for (uint id = 1; id <= Requests; id++)
        {
            var kind = (id % 10) switch
            {
                1 => Kind.OverloadedKey,
                3 => Kind.UnknownKey,
                5 => Kind.WrongPayloadLength,
                7 => Kind.UnknownOpcode,
                9 => Kind.LongServerName,
                _ => Kind.Good,
            };
            kinds[id] = kind;
            digests[id] = SHA256.HashData(BitConverter.GetBytes(id));
            frames.AddRange(kind switch
            {
                Kind.UnknownKey => KeylessTestClient.Encode(id, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digests[id], Ski = RandomNumberGenerator.GetBytes(20) }),
                Kind.WrongPayloadLength => KeylessTestClient.Encode(id, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digests[id][..10], Ski = ski }),
                Kind.UnknownOpcode => KeylessTestClient.Encode(id, new KeylessRequest { Opcode = (KeylessOpcode)0x7E, Payload = digests[id], Ski = ski }),
                Kind.LongServerName => KeylessTestClient.Encode(id, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digests[id], Ski = ski, ServerName = longName }),
                Kind.OverloadedKey => KeylessTestClient.Encode(id, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digests[id], Ski = front.HotSki }),
                _ => KeylessTestClient.Encode(id, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digests[id], Ski = ski }),
            });
        }

        var writing = client.WriteAsync(frames.ToArray(), timeout.Token);
        var answers = new Dictionary<uint, KeylessTestResponse>();
        while (answers.Count < Requests)
        {
            var response = await client.ReadAsync(timeout.Token) ?? throw new InvalidOperationException($"The agent closed the connection after {answers.Count} answers.");
            Assert.True(answers.TryAdd(response.Id, response), $"request {response.Id} was answered twice");
        }

        await writing;
        for (uint id = 1; id <= Requests; id++)
        {
            var answer = answers[id];
            switch (kinds[id])
            {
                case Kind.Good or Kind.LongServerName:
                    Assert.False(answer.IsError, $"request {id} ({kinds[id]}): {answer} " + string.Join(" | ", agent.Logs.Messages.Where(m => m.Contains("ended", StringComparison.Ordinal)).Take(3)) + " KS: " + string.Join(" | ", keyserver.ErrorLogs.Take(3)));
                    Assert.True(publicKey.VerifyHash(digests[id], answer.Payload, DSASignatureFormat.Rfc3279DerSequence), $"request {id}: bad signature");
                    break;
                case Kind.UnknownKey:
                    Assert.Equal(KeylessError.KeyNotFound, answer.Error);
                    break;
                case Kind.WrongPayloadLength:
                    Assert.Equal(KeylessError.FormatError, answer.Error);
                    break;
                case Kind.UnknownOpcode:
                    Assert.Equal(KeylessError.BadOpcode, answer.Error);
                    break;
                case Kind.OverloadedKey:
                    // The Keyless protocol has no overload code: OVERLOADED travels as INTERNAL_ERROR.
                    Assert.Equal(KeylessError.InternalError, answer.Error);
                    break;
            }
        }

        // Each overloaded request reached the keyserver exactly once: the agent did not retry it.
        Assert.Equal(kinds.Count(k => k == Kind.OverloadedKey), front.HotReceived);

        // The connection is still open and serving.
        var pong = await client.ExchangeAsync(KeylessTestClient.Ping(Requests + 1, [1, 2, 3]), timeout.Token);
        Assert.Equal(KeylessOpcode.Pong, pong.Opcode);
    }
}
