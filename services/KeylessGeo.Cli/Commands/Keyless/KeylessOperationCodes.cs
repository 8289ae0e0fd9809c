using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Cli.Commands.Keyless;

/// <summary>The contract's operations as Keyless opcodes (the inverse of the keyserver's mapping).</summary>
public static class KeylessOperationCodes
{
    /// <summary>The opcode of <paramref name="operation"/>, or null when the Keyless protocol has none for it.</summary>
    public static KeylessOpcode? Of(Operation operation) => operation switch
    {
        Operation.RsaDecryptPkcs1 => KeylessOpcode.RsaDecrypt,
        Operation.RsaDecryptRaw => KeylessOpcode.RsaDecryptRaw,
        Operation.RsaPkcs1Md5Sha1 => KeylessOpcode.RsaSignMd5Sha1,
        Operation.RsaPkcs1Sha1 => KeylessOpcode.RsaSignSha1,
        Operation.RsaPkcs1Sha224 => KeylessOpcode.RsaSignSha224,
        Operation.RsaPkcs1Sha256 => KeylessOpcode.RsaSignSha256,
        Operation.RsaPkcs1Sha384 => KeylessOpcode.RsaSignSha384,
        Operation.RsaPkcs1Sha512 => KeylessOpcode.RsaSignSha512,
        Operation.RsaPssSha256 => KeylessOpcode.RsaPssSignSha256,
        Operation.RsaPssSha384 => KeylessOpcode.RsaPssSignSha384,
        Operation.RsaPssSha512 => KeylessOpcode.RsaPssSignSha512,
        Operation.EcdsaMd5Sha1 => KeylessOpcode.EcdsaSignMd5Sha1,
        Operation.EcdsaSha1 => KeylessOpcode.EcdsaSignSha1,
        Operation.EcdsaSha224 => KeylessOpcode.EcdsaSignSha224,
        Operation.EcdsaSha256 => KeylessOpcode.EcdsaSignSha256,
        Operation.EcdsaSha384 => KeylessOpcode.EcdsaSignSha384,
        Operation.EcdsaSha512 => KeylessOpcode.EcdsaSignSha512,
        Operation.Ed25519 => KeylessOpcode.Ed25519Sign,
        _ => null,
    };

    /// <summary>
    /// Parses <paramref name="text"/> with <see cref="OperationNames"/> and maps it to its opcode.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown, or the operation has no Keyless opcode.</exception>
    public static (Operation Operation, KeylessOpcode Opcode) Parse(string text)
    {
        var operation = OperationNames.Parse(text) ?? throw new ArgumentException($"unknown operation '{text}'; one of: {OperationNames.All}");
        var opcode = Of(operation) ?? throw new ArgumentException($"operation {operation} has no Keyless opcode; ask for it over gRPC with `keylessgeo sign`.");
        return (operation, opcode);
    }
}
