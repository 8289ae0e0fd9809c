using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using KeylessGeo.Placement.Secrets;

namespace KeylessGeo.Placement;

/// <summary>
/// Reads and writes a datacenter wrapping key as a PKCS#8 PEM file ("PRIVATE KEY"), owner-only.
/// Every buffer that holds private key text or DER is pinned and zeroed after use.
/// </summary>
internal static class WrappingKeyFile
{
    private const string PemLabel = "PRIVATE KEY";
    private const int MaxFileBytes = 64 * 1024;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Loads the key at <paramref name="path"/>, or returns null when there is no file.</summary>
    public static ECDiffieHellman? TryLoad(string path)
    {
        byte[] text;
        try
        {
            text = ReadPrivateFile(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        try
        {
            return Decode(path, text);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(text);
        }
    }

    /// <summary>
    /// Writes the PKCS#8 <paramref name="privateKeyInfo"/> to <paramref name="path"/> as PEM with mode 0600: into a temporary
    /// file in the same directory (created 0600, never wider), fsync, then rename, so the path
    /// never names a partial file. Returns false, leaving nothing behind, when
    /// <paramref name="path"/> already exists. .NET's no-overwrite move checks and then renames,
    /// so a process racing past the same check can still replace the file; the caller reads the
    /// file back to learn which key won.
    /// </summary>
    public static bool TryCreate(string path, ReadOnlySpan<byte> privateKeyInfo)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        var pem = Encode(privateKeyInfo);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                UnixCreateMode = OwnerReadWrite,
            };
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(pem);
                stream.Flush(flushToDisk: true);
            }

            if (File.Exists(fullPath))
            {
                return false;
            }

            File.Move(temporary, fullPath, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(fullPath))
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pem);
            File.Delete(temporary);
        }
    }

    /// <summary>The mode as four octal digits, e.g. 0644.</summary>
    public static string ToOctal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');

    private static byte[] ReadPrivateFile(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);

        // Checked on the open handle, so the mode checked is the mode of the file read.
        var mode = File.GetUnixFileMode(handle);
        if ((mode & GroupOrOther) != 0)
        {
            throw new WrappingKeyFileException(
                path,
                $"Refusing the datacenter wrapping key file '{path}': its mode is {ToOctal(mode)}, which grants access to group or others. A private key file must be readable by its owner only; fix it with 'chmod 600 {path}'.");
        }

        var length = RandomAccess.GetLength(handle);
        if (length is 0 or > MaxFileBytes)
        {
            throw new WrappingKeyFileException(path, $"The datacenter wrapping key file '{path}' is {length} bytes, which is not the size of a PEM key file.");
        }

        var buffer = GC.AllocateArray<byte>((int)length, pinned: true);
        var offset = 0;
        while (offset < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer.AsSpan(offset), offset);
            if (read == 0)
            {
                CryptographicOperations.ZeroMemory(buffer);
                throw new WrappingKeyFileException(path, $"The datacenter wrapping key file '{path}' shrank while it was being read.");
            }

            offset += read;
        }

        return buffer;
    }

    private static ECDiffieHellman Decode(string path, byte[] text)
    {
        var chars = GC.AllocateArray<char>(text.Length, pinned: true);
        byte[]? der = null;
        try
        {
            var count = Encoding.ASCII.GetChars(text, chars);
            ReadOnlySpan<char> pem = chars.AsSpan(0, count);
            if (!PemEncoding.TryFind(pem, out var fields) || !pem[fields.Label].SequenceEqual(PemLabel))
            {
                throw new WrappingKeyFileException(path, $"The datacenter wrapping key file '{path}' holds no PEM block labelled '{PemLabel}' (PKCS#8).");
            }

            der = GC.AllocateArray<byte>(fields.DecodedDataLength, pinned: true);
            if (!Convert.TryFromBase64Chars(pem[fields.Base64Data], der, out var written) || written != der.Length)
            {
                throw new WrappingKeyFileException(path, $"The datacenter wrapping key file '{path}' holds a PEM block whose base64 content is invalid.");
            }

            var key = ECDiffieHellman.Create();
            try
            {
                // Read as slices of the pinned DER and imported through a pinned scalar: .NET's
                // ImportPkcs8PrivateKey would decode the scalar into an array of its own.
                var parts = EcPrivateKeys.ReadPrivateKeyInfo(der);
                if (parts.CurveOid != EcPrivateKeys.P256Oid)
                {
                    throw new WrappingKeyFileException(path, $"The datacenter wrapping key file '{path}' holds an EC key that is not on P-256.");
                }

                EcPrivateKeys.Import(key, parts);
                return key;
            }
            catch (Exception ex) when (ex is CryptographicException or AsnContentException)
            {
                key.Dispose();
                throw new WrappingKeyFileException(path, $"The datacenter wrapping key file '{path}' does not hold a PKCS#8 EC P-256 private key.", ex);
            }
            catch
            {
                key.Dispose();
                throw;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars.AsSpan()));
            if (der is not null)
            {
                CryptographicOperations.ZeroMemory(der);
            }
        }
    }

    private static byte[] Encode(ReadOnlySpan<byte> privateKeyInfo)
    {
        var chars = GC.AllocateArray<char>(PemEncoding.GetEncodedSize(PemLabel.Length, privateKeyInfo.Length), pinned: true);
        try
        {
            if (!PemEncoding.TryWrite(PemLabel, privateKeyInfo, chars, out var charCount))
            {
                throw new InvalidOperationException("PEM encoding of the wrapping key did not fit its computed size.");
            }

            var text = GC.AllocateArray<byte>(charCount + 1, pinned: true);
            Encoding.ASCII.GetBytes(chars.AsSpan(0, charCount), text);
            text[charCount] = (byte)'\n';
            return text;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars.AsSpan()));
        }
    }
}
