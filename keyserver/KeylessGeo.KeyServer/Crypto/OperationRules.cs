using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Keys;
using KeylessGeo.KeyServer.Signing;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>Which key family each operation needs and how long its payload must be.</summary>
internal static class OperationRules
{
    /// <summary>The key family <paramref name="operation"/> needs, or null for an unspecified/unknown operation.</summary>
    public static KeyKind? RequiredKind(Operation operation) => operation switch
    {
        Operation.RsaPkcs1Md5Sha1 or Operation.RsaPkcs1Sha1 or Operation.RsaPkcs1Sha224 or Operation.RsaPkcs1Sha256 or
        Operation.RsaPkcs1Sha384 or Operation.RsaPkcs1Sha512 or Operation.RsaPssSha256 or Operation.RsaPssSha384 or
        Operation.RsaPssSha512 or Operation.RsaDecryptPkcs1 or Operation.RsaDecryptRaw => KeyKind.Rsa,
        Operation.EcdsaMd5Sha1 or Operation.EcdsaSha1 or Operation.EcdsaSha224 or Operation.EcdsaSha256 or
        Operation.EcdsaSha384 or Operation.EcdsaSha512 => KeyKind.Ecdsa,
        Operation.Ed25519 => KeyKind.Ed25519,
        _ => null,
    };

    /// <summary>The payload length the operation needs with this key; -1 when any length is accepted.</summary>
    public static int PayloadLength(Operation operation, IndexedKey key) => operation switch
    {
        Operation.RsaPkcs1Md5Sha1 or Operation.EcdsaMd5Sha1 => 36,
        Operation.RsaPkcs1Sha1 or Operation.EcdsaSha1 => 20,
        Operation.RsaPkcs1Sha224 or Operation.EcdsaSha224 => 28,
        Operation.RsaPkcs1Sha256 or Operation.RsaPssSha256 or Operation.EcdsaSha256 => 32,
        Operation.RsaPkcs1Sha384 or Operation.RsaPssSha384 or Operation.EcdsaSha384 => 48,
        Operation.RsaPkcs1Sha512 or Operation.RsaPssSha512 or Operation.EcdsaSha512 => 64,
        Operation.RsaDecryptPkcs1 or Operation.RsaDecryptRaw => key.ModulusBytes,
        _ => -1,
    };

    /// <summary>Null when the request can be attempted; otherwise the BAD_REQUEST message.</summary>
    public static string? Check(Operation operation, IndexedKey key, int payloadLength)
    {
        var kind = RequiredKind(operation);
        if (kind is null)
        {
            return operation == Operation.Unspecified
                ? "operation is required"
                : $"operation {(int)operation} is not a known operation";
        }

        if (kind != key.Kind)
        {
            return $"operation {WireNames.Of(operation)} cannot be used with key algorithm {key.Algorithm.Name()}";
        }

        var expected = PayloadLength(operation, key);
        if (expected >= 0 && payloadLength != expected)
        {
            return $"payload must be {expected} bytes for {WireNames.Of(operation)}, got {payloadLength}";
        }

        return null;
    }
}
