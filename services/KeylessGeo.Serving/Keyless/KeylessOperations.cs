using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Serving.Keyless;

/// <summary>Keyless opcodes as the signing core's operations.</summary>
internal static class KeylessOperations
{
    /// <summary>
    /// The operation of a private-key opcode, or <see cref="Operation.Unspecified"/> for ping,
    /// the optional opcodes and anything else that is not a private-key operation.
    /// </summary>
    public static Operation ToOperation(KeylessOpcode opcode) => opcode switch
    {
        KeylessOpcode.RsaDecrypt => Operation.RsaDecryptPkcs1,
        KeylessOpcode.RsaDecryptRaw => Operation.RsaDecryptRaw,
        KeylessOpcode.RsaSignMd5Sha1 => Operation.RsaPkcs1Md5Sha1,
        KeylessOpcode.RsaSignSha1 => Operation.RsaPkcs1Sha1,
        KeylessOpcode.RsaSignSha224 => Operation.RsaPkcs1Sha224,
        KeylessOpcode.RsaSignSha256 => Operation.RsaPkcs1Sha256,
        KeylessOpcode.RsaSignSha384 => Operation.RsaPkcs1Sha384,
        KeylessOpcode.RsaSignSha512 => Operation.RsaPkcs1Sha512,
        KeylessOpcode.RsaPssSignSha256 => Operation.RsaPssSha256,
        KeylessOpcode.RsaPssSignSha384 => Operation.RsaPssSha384,
        KeylessOpcode.RsaPssSignSha512 => Operation.RsaPssSha512,
        KeylessOpcode.EcdsaSignMd5Sha1 => Operation.EcdsaMd5Sha1,
        KeylessOpcode.EcdsaSignSha1 => Operation.EcdsaSha1,
        KeylessOpcode.EcdsaSignSha224 => Operation.EcdsaSha224,
        KeylessOpcode.EcdsaSignSha256 => Operation.EcdsaSha256,
        KeylessOpcode.EcdsaSignSha384 => Operation.EcdsaSha384,
        KeylessOpcode.EcdsaSignSha512 => Operation.EcdsaSha512,
        KeylessOpcode.Ed25519Sign => Operation.Ed25519,
        _ => Operation.Unspecified,
    };
}
