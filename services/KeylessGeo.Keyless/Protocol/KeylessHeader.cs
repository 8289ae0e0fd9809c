namespace KeylessGeo.Keyless.Protocol;

/// <summary>
/// The 8-byte message header (major, minor, body length uint16, request id uint32; big-endian)
/// and the size limits of the format.
/// </summary>
public static class KeylessHeader
{
    /// <summary>The header size in bytes.</summary>
    public const int Size = 8;

    /// <summary>The only supported major version.</summary>
    public const byte MajorVersion = 1;

    /// <summary>The minor version we write (any minor version is accepted).</summary>
    public const byte MinorVersion = 0;

    /// <summary>The size of an item's tag and length.</summary>
    public const int ItemHeaderSize = 3;

    /// <summary>The largest body the 16-bit length field can describe.</summary>
    public const int MaxBodyLength = ushort.MaxValue;

    /// <summary>The largest item the 16-bit item length can describe.</summary>
    public const int MaxItemLength = ushort.MaxValue;

    /// <summary>Padded messages (header included) are at least this long.</summary>
    public const int MinimumPaddedLength = 1024;
}
