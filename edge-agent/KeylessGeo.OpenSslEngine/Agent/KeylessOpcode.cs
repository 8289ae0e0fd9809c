namespace KeylessGeo.OpenSslEngine.Agent;

/// <summary>The Keyless opcodes the engine sends and receives (shared/KEYLESS-PROTOCOL.md).</summary>
internal static class KeylessOpcode
{
    public const byte RsaSignMd5Sha1 = 0x02;
    public const byte RsaSignSha1 = 0x03;
    public const byte RsaSignSha224 = 0x04;
    public const byte RsaSignSha256 = 0x05;
    public const byte RsaSignSha384 = 0x06;
    public const byte RsaSignSha512 = 0x07;
    public const byte RsaDecryptRaw = 0x08;
    public const byte EcdsaSignMd5Sha1 = 0x12;
    public const byte EcdsaSignSha1 = 0x13;
    public const byte EcdsaSignSha224 = 0x14;
    public const byte EcdsaSignSha256 = 0x15;
    public const byte EcdsaSignSha384 = 0x16;
    public const byte EcdsaSignSha512 = 0x17;
    public const byte RsaPssSignSha256 = 0x35;
    public const byte RsaPssSignSha384 = 0x36;
    public const byte RsaPssSignSha512 = 0x37;
    public const byte Response = 0xF0;
    public const byte Error = 0xFF;

    public const byte TagCertificateDigest = 0x01;
    public const byte TagSki = 0x04;
    public const byte TagOpcode = 0x11;
    public const byte TagPayload = 0x12;

    /// <summary>The Keyless error code's name, for messages.</summary>
    public static string ErrorName(byte code) => code switch
    {
        0x01 => "cryptography failure",
        0x02 => "key not found",
        0x03 => "read error",
        0x04 => "version mismatch",
        0x05 => "bad opcode",
        0x06 => "unexpected opcode",
        0x07 => "format error",
        0x08 => "internal error (keyserver unavailable, overloaded or timed out)",
        0x09 => "certificate not found",
        0x0A => "expired",
        0x0B => "remote configuration error",
        _ => "unknown error",
    };
}
