using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// Reads the first PEM block of a file into DER. For private keys every intermediate buffer
/// (file bytes, characters, DER) is zeroed; the caller zeroes the returned DER.
/// </summary>
internal static class PemReader
{
    private const int MaxFileBytes = 1 << 20;

    /// <summary>
    /// Reads the PEM block and returns its label and DER contents in a buffer of exactly the
    /// decoded length. The caller owns the DER and must zero it after use. With
    /// <paramref name="privateKey"/>, the open file's permissions are checked before any byte
    /// is read (see <see cref="KeyFilePermissions"/>).
    /// </summary>
    public static (string Label, byte[] Der) ReadFirstBlock(string path, bool privateKey = false)
    {
        byte[]? bytes = null;
        char[]? chars = null;
        try
        {
            bytes = ReadAllBytesBounded(path, privateKey);
            chars = ArrayPool<char>.Shared.Rent(bytes.Length);
            var charCount = Encoding.ASCII.GetChars(bytes, chars);
            ReadOnlySpan<char> text = chars.AsSpan(0, charCount);
            if (!PemEncoding.TryFind(text, out var fields))
            {
                throw new KeyFileException($"'{path}' holds no PEM block");
            }

            var label = text[fields.Label].ToString();
            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(text[fields.Base64Data], der, out var written) || written != der.Length)
            {
                CryptographicOperations.ZeroMemory(der);
                throw new KeyFileException($"'{path}' holds a PEM block whose base64 content is invalid");
            }

            return (label, der);
        }
        finally
        {
            if (bytes is not null)
            {
                CryptographicOperations.ZeroMemory(bytes);
            }

            if (chars is not null)
            {
                chars.AsSpan().Clear();
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }

    private static byte[] ReadAllBytesBounded(string path, bool privateKey)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        if (privateKey)
        {
            KeyFilePermissions.EnsurePrivate(stream.SafeFileHandle, path);
        }

        var length = stream.Length;
        if (length > MaxFileBytes)
        {
            throw new KeyFileException($"'{path}' is {length} bytes, larger than any key file");
        }

        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        return buffer;
    }
}
