using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Keyless.Protocol;

/// <summary>The contract's operations as Keyless opcodes, for clients that speak the Keyless protocol.</summary>
public static class OperationOpcodes
{
    /// <summary>The opcode of <paramref name="operation"/>, or null when the Keyless protocol has none for it.</summary>
    public static KeylessOpcode? OpcodeOf(Operation operation) => operation switch
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
}
