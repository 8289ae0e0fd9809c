using System.Security.Cryptography;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.EdgeAgent.Tests.Infrastructure;

/// <summary>Requests a terminator would send through the agent's gRPC endpoint.</summary>
public static class AgentRequests
{
    /// <summary>An ECDSA P-256 SHA-256 signature over a fresh digest for the key with SKI <paramref name="ski"/>.</summary>
    public static SignRequest EcdsaSha256(ulong id, byte[] ski) => new()
    {
        Id = id,
        Key = new KeyRef { Ski = ByteString.CopyFrom(ski) },
        Operation = Operation.EcdsaSha256,
        Payload = ByteString.CopyFrom(SHA256.HashData(BitConverter.GetBytes(id))),
    };

    /// <summary>An RSA PKCS#1 SHA-256 signature for the key with SKI <paramref name="ski"/>.</summary>
    public static SignRequest RsaSha256(ulong id, byte[] ski) => new()
    {
        Id = id,
        Key = new KeyRef { Ski = ByteString.CopyFrom(ski) },
        Operation = Operation.RsaPkcs1Sha256,
        Payload = ByteString.CopyFrom(SHA256.HashData(BitConverter.GetBytes(id))),
    };
}
