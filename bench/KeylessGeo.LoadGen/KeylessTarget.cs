using System.Buffers;
using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Identifiers;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.LoadGen;

/// <summary>
/// What a Keyless load run asks for: one encoded request (by SKI, padded to 1024 bytes as
/// Keyless clients send them) whose id is patched per send.
/// </summary>
public sealed class KeylessTarget
{
    private KeylessTarget(byte[] frame) => Frame = frame;

    /// <summary>The encoded request with id 0.</summary>
    public byte[] Frame { get; }

    /// <summary>Builds the request for <paramref name="operation"/> with the key whose certificate or key file is <paramref name="publicKeyPath"/> (its SKI is sent).</summary>
    public static KeylessTarget Create(Operation operation, string publicKeyPath, bool pad)
    {
        var payload = new byte[PayloadLength(operation)];
        RandomNumberGenerator.Fill(payload);
        var buffer = new ArrayBufferWriter<byte>(1024);
        KeylessWriter.WriteRequest(buffer, 0, new KeylessRequest { Opcode = Opcode(operation), Payload = payload, Ski = KeyIdentifiers.FromFile(publicKeyPath).Ski }, pad);
        return new KeylessTarget(buffer.WrittenSpan.ToArray());
    }

    private static int PayloadLength(Operation operation) => operation switch
    {
        Operation.RsaPkcs1Md5Sha1 or Operation.EcdsaMd5Sha1 => 36,
        Operation.RsaPkcs1Sha1 or Operation.EcdsaSha1 => 20,
        Operation.RsaPkcs1Sha224 or Operation.EcdsaSha224 => 28,
        Operation.RsaPkcs1Sha384 or Operation.RsaPssSha384 or Operation.EcdsaSha384 => 48,
        Operation.RsaPkcs1Sha512 or Operation.RsaPssSha512 or Operation.EcdsaSha512 => 64,
        _ => 32,
    };

    private static KeylessOpcode Opcode(Operation operation) =>
        operation is not (Operation.RsaDecryptPkcs1 or Operation.RsaDecryptRaw) && OperationOpcodes.OpcodeOf(operation) is { } opcode
            ? opcode
            : throw new ArgumentException($"--operation {operation} has no Keyless signing opcode (decryption needs a real ciphertext)");
}
