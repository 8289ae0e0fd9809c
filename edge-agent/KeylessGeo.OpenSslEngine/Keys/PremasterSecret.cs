using System.Runtime.CompilerServices;
using KeylessGeo.OpenSslEngine.Agent;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Keys;

/// <summary>
/// TLS 1.2 RSA key exchange without a padding oracle. The keyserver does the raw RSA operation
/// (opcode 0x08), which succeeds for every ciphertext below the modulus, so neither its answer nor
/// its timing depends on the padding. The PKCS#1 v1.5 type 2 check is then done here without
/// branches on secret data, and a bad block yields 48 random bytes instead of an error: the
/// handshake fails at Finished exactly as with a wrong premaster (RFC 5246, 7.4.7.1). The
/// ClientHello version is not passed to legacy methods by libssl, so the check is on the major
/// version byte (3) only.
/// </summary>
internal static unsafe class PremasterSecret
{
    /// <summary>The premaster secret's length.</summary>
    public const int Length = 48;

    private const int MinimumPaddingBytes = 8;

    /// <summary>Decrypts <paramref name="ciphertext"/> into <paramref name="output"/> (48 bytes); 0 after raising an error.</summary>
    public static int Decrypt(RemoteKey key, ReadOnlySpan<byte> ciphertext, Span<byte> output, nuint* outputLength)
    {
        if (key.Size < Length + MinimumPaddingBytes + 3)
        {
            return 0;
        }

        Span<byte> random = stackalloc byte[Length];
        fixed (byte* bytes = random)
        {
            if (LibCrypto.RAND_bytes(bytes, Length) != 1)
            {
                return 0;
            }
        }

        // The raw operation takes a modulus-length block; a shorter ciphertext is left-padded with zeros.
        Span<byte> block = stackalloc byte[key.Size];
        block.Clear();
        ciphertext.CopyTo(block[(key.Size - ciphertext.Length)..]);
        Span<byte> encoded = stackalloc byte[key.Size];
        try
        {
            var written = KeylessCall.Run(key, KeylessOpcode.RsaDecryptRaw, block, encoded);
            if (written != key.Size)
            {
                return written < 0 ? 0 : RsaPkeyMethod.WrongLength(key, written);
            }

            var good = Check(encoded);
            var secret = encoded[(key.Size - Length)..];
            for (var i = 0; i < Length; i++)
            {
                output[i] = (byte)((secret[i] & good) | (random[i] & ~good));
            }

            *outputLength = Length;
            return 1;
        }
        finally
        {
            encoded.Clear();
            random.Clear();
        }
    }

    /// <summary>
    /// 0xFF when <paramref name="encoded"/> is 00 02 PS 00 M with a non-zero PS and a 48-byte M
    /// starting with 03; 0x00 otherwise. Every byte is read whatever the outcome.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.NoOptimization)]
    public static int Check(ReadOnlySpan<byte> encoded)
    {
        var separator = encoded.Length - Length - 1;
        var good = IsZero(encoded[0]) & IsZero(encoded[1] ^ 2) & IsZero(encoded[separator]) & IsZero(encoded[separator + 1] ^ 3);
        for (var i = 2; i < separator; i++)
        {
            good &= ~IsZero(encoded[i]);
        }

        return good & 0xFF;
    }

    /// <summary>-1 (all bits set) when <paramref name="value"/> (0–255) is zero, else 0, without a branch.</summary>
    private static int IsZero(int value) => (value - 1) >> 31;
}
