using System.Runtime.InteropServices;

namespace KeylessGeo.Native;

/// <summary>libcrypto.so.3's certificate calls: a peer certificate's DER encoding, and freeing it.</summary>
public static unsafe partial class LibX509
{
    private const string Library = "libcrypto.so.3";

    /// <summary><c>i2d_X509</c>: with a null output, the DER length; otherwise writes it and advances <paramref name="output"/>.</summary>
    [LibraryImport(Library, EntryPoint = "i2d_X509")]
    public static partial int ToDer(nint certificate, byte** output);

    /// <summary><c>X509_free</c>.</summary>
    [LibraryImport(Library, EntryPoint = "X509_free")]
    public static partial void Free(nint certificate);

    /// <summary>The DER encoding of <paramref name="certificate"/>, or null when OpenSSL cannot encode it.</summary>
    public static byte[]? Der(nint certificate)
    {
        var length = ToDer(certificate, null);
        if (length <= 0)
        {
            return null;
        }

        var der = new byte[length];
        fixed (byte* start = der)
        {
            var cursor = start;
            return ToDer(certificate, &cursor) == length ? der : null;
        }
    }
}
