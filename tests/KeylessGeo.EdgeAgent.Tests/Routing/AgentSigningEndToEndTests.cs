using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.EdgeAgent.Tests.Infrastructure;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.KeyServer.Testing;
using KeylessGeo.Testing;
using KeylessGeo.Testing.Keyless;

namespace KeylessGeo.EdgeAgent.Tests.Routing;

/// <summary>A terminator's requests through the agent's Keyless and gRPC endpoints to a real keyserver.</summary>
public sealed class AgentSigningEndToEndTests
{
    [Fact]
    public async Task SignsOverKeylessAndGrpc_ThroughTheNodeLocalKeyserver()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var scenario = await AgentScenario.StartAsync(timeout.Token);
        var (keys, agent) = (scenario.Keys, scenario.Agent);
        var digest = SHA256.HashData("handshake"u8);
        using var publicKey = keys.LoadEcdsa("ec");

        using var channel = agent.CreateChannel();
        var grpc = new Contracts.V1.KeyServer.KeyServerClient(channel);
        var answer = await grpc.SignAsync(new SignRequest
        {
            Id = 42,
            Key = new KeyRef { Ski = ByteString.CopyFrom(keys.Ski("ec")) },
            Operation = Operation.EcdsaSha256,
            Payload = ByteString.CopyFrom(digest),
        }, cancellationToken: timeout.Token);
        Assert.True(answer.Error is null, answer.Error?.Message);
        Assert.Equal(42ul, answer.Id);
        Assert.Equal(KeyServerTestHost.KeyServerId, answer.ServedBy.KeyserverId);
        Assert.True(publicKey.VerifyHash(digest, answer.Result.ToByteArray(), DSASignatureFormat.Rfc3279DerSequence));

        await using (var client = await KeylessTestClient.ConnectPlainAsync(agent.KeylessEndPoint, timeout.Token))
        {
            var response = await client.ExchangeAsync(
                KeylessTestClient.Encode(7, new KeylessRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = digest, Ski = keys.Ski("ec") }), timeout.Token);
            Assert.False(response.IsError, response.ToString());
            Assert.Equal(7u, response.Id);
            Assert.True(publicKey.VerifyHash(digest, response.Payload, DSASignatureFormat.Rfc3279DerSequence));
        }
    }
}
