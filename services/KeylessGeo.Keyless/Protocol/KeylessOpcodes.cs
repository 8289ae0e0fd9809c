namespace KeylessGeo.Keyless.Protocol;

/// <summary>Classifies <see cref="KeylessOpcode"/> values.</summary>
public static class KeylessOpcodes
{
    /// <summary>
    /// True for the server-to-client opcodes: <see cref="KeylessOpcode.Response"/>,
    /// <see cref="KeylessOpcode.Pong"/> and <see cref="KeylessOpcode.Error"/>.
    /// </summary>
    public static bool IsResponse(KeylessOpcode opcode) => opcode is KeylessOpcode.Response or KeylessOpcode.Pong or KeylessOpcode.Error;

    /// <summary>
    /// True when <paramref name="response"/> may answer a request of <paramref name="request"/>:
    /// a ping is answered with a pong or an error, every other request with a response or an error.
    /// </summary>
    public static bool Answers(KeylessOpcode request, KeylessOpcode response) => response == KeylessOpcode.Error ||
        (request == KeylessOpcode.Ping ? response == KeylessOpcode.Pong : response == KeylessOpcode.Response);

    /// <summary>True for every opcode a client may send that the protocol defines (including the optional ones and ping).</summary>
    public static bool IsKnownRequest(KeylessOpcode opcode) => opcode is
        (>= KeylessOpcode.RsaDecrypt and <= KeylessOpcode.RsaDecryptRaw) or
        (>= KeylessOpcode.EcdsaSignMd5Sha1 and <= KeylessOpcode.Ed25519Sign) or
        (>= KeylessOpcode.Seal and <= KeylessOpcode.CustomFunction) or
        (>= KeylessOpcode.RsaPssSignSha256 and <= KeylessOpcode.RsaPssSignSha512) or
        KeylessOpcode.Ping;

    /// <summary>True for the RSA operations (decrypt, raw decrypt, PKCS#1 v1.5 and PSS sign).</summary>
    public static bool IsRsa(KeylessOpcode opcode) => opcode is
        (>= KeylessOpcode.RsaDecrypt and <= KeylessOpcode.RsaDecryptRaw) or
        (>= KeylessOpcode.RsaPssSignSha256 and <= KeylessOpcode.RsaPssSignSha512);

    /// <summary>True for the ECDSA sign operations.</summary>
    public static bool IsEcdsa(KeylessOpcode opcode) => opcode is >= KeylessOpcode.EcdsaSignMd5Sha1 and <= KeylessOpcode.EcdsaSignSha512;

    /// <summary>True for the optional operations: seal, unseal, RPC and custom function.</summary>
    public static bool IsOptional(KeylessOpcode opcode) => opcode is >= KeylessOpcode.Seal and <= KeylessOpcode.CustomFunction;
}
