namespace KeylessGeo.Keyless.Protocol;

/// <summary>The operation of a Keyless message (the 1-byte <see cref="KeylessTag.Opcode"/> item).</summary>
public enum KeylessOpcode : byte
{
    /// <summary>RSA decrypt with PKCS#1 v1.5 padding.</summary>
    RsaDecrypt = 0x01,

    /// <summary>RSA PKCS#1 v1.5 sign of an MD5+SHA1 digest.</summary>
    RsaSignMd5Sha1 = 0x02,

    /// <summary>RSA PKCS#1 v1.5 sign of a SHA-1 digest.</summary>
    RsaSignSha1 = 0x03,

    /// <summary>RSA PKCS#1 v1.5 sign of a SHA-224 digest.</summary>
    RsaSignSha224 = 0x04,

    /// <summary>RSA PKCS#1 v1.5 sign of a SHA-256 digest.</summary>
    RsaSignSha256 = 0x05,

    /// <summary>RSA PKCS#1 v1.5 sign of a SHA-384 digest.</summary>
    RsaSignSha384 = 0x06,

    /// <summary>RSA PKCS#1 v1.5 sign of a SHA-512 digest.</summary>
    RsaSignSha512 = 0x07,

    /// <summary>RSA raw decrypt (no padding).</summary>
    RsaDecryptRaw = 0x08,

    /// <summary>ECDSA sign of an MD5+SHA1 digest; the signature is DER-encoded.</summary>
    EcdsaSignMd5Sha1 = 0x12,

    /// <summary>ECDSA sign of a SHA-1 digest; the signature is DER-encoded.</summary>
    EcdsaSignSha1 = 0x13,

    /// <summary>ECDSA sign of a SHA-224 digest; the signature is DER-encoded.</summary>
    EcdsaSignSha224 = 0x14,

    /// <summary>ECDSA sign of a SHA-256 digest; the signature is DER-encoded.</summary>
    EcdsaSignSha256 = 0x15,

    /// <summary>ECDSA sign of a SHA-384 digest; the signature is DER-encoded.</summary>
    EcdsaSignSha384 = 0x16,

    /// <summary>ECDSA sign of a SHA-512 digest; the signature is DER-encoded.</summary>
    EcdsaSignSha512 = 0x17,

    /// <summary>Ed25519 sign; the payload is the message itself.</summary>
    Ed25519Sign = 0x18,

    /// <summary>Seal (optional).</summary>
    Seal = 0x21,

    /// <summary>Unseal (optional).</summary>
    Unseal = 0x22,

    /// <summary>RPC (optional).</summary>
    Rpc = 0x23,

    /// <summary>Custom function, named by <see cref="KeylessTag.CustomFunctionName"/> (optional).</summary>
    CustomFunction = 0x24,

    /// <summary>RSASSA-PSS sign of a SHA-256 digest (salt length = hash length).</summary>
    RsaPssSignSha256 = 0x35,

    /// <summary>RSASSA-PSS sign of a SHA-384 digest (salt length = hash length).</summary>
    RsaPssSignSha384 = 0x36,

    /// <summary>RSASSA-PSS sign of a SHA-512 digest (salt length = hash length).</summary>
    RsaPssSignSha512 = 0x37,

    /// <summary>Response (server to client): the payload is the result.</summary>
    Response = 0xF0,

    /// <summary>Ping (client to server): answered with <see cref="Pong"/> echoing the payload.</summary>
    Ping = 0xF1,

    /// <summary>Pong (server to client): the answer to a <see cref="Ping"/>, with the ping's payload echoed.</summary>
    Pong = 0xF2,

    /// <summary>Error (server to client): the payload is one <see cref="KeylessError"/> byte.</summary>
    Error = 0xFF,
}
