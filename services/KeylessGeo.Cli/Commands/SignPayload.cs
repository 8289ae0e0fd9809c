using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Cli.Commands;

/// <summary>Turns an input file into the payload an operation expects (its digest, or the bytes as they are).</summary>
public static class SignPayload
{
    /// <summary>
    /// The digest of <paramref name="input"/> for signature operations (MD5 followed by SHA-1
    /// for the MD5+SHA1 ones), or <paramref name="input"/> itself for Ed25519 and decryption.
    /// </summary>
    /// <exception cref="ArgumentException">SHA-224, which .NET cannot compute: pass the digest instead.</exception>
    public static byte[] FromInput(Operation operation, byte[] input)
    {
        var name = operation.ToString();
        if (operation is Operation.Ed25519 or Operation.RsaDecryptPkcs1 or Operation.RsaDecryptRaw)
        {
            return input;
        }

        if (name.EndsWith("Md5Sha1", StringComparison.Ordinal))
        {
            return [.. MD5.HashData(input), .. SHA1.HashData(input)];
        }

        return name[^6..] switch
        {
            "Sha256" => SHA256.HashData(input),
            "Sha384" => SHA384.HashData(input),
            "Sha512" => SHA512.HashData(input),
            _ when name.EndsWith("Sha1", StringComparison.Ordinal) => SHA1.HashData(input),
            _ => throw new ArgumentException($"{operation} needs a SHA-224 digest, which this tool cannot compute: pass it with --payload-hex."),
        };
    }
}
