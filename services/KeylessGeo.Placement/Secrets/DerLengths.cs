namespace KeylessGeo.Placement.Secrets;

/// <summary>DER tag-length-value arithmetic for the few structures written byte by byte into pinned buffers.</summary>
internal static class DerLengths
{
    /// <summary>The size of a TLV whose value is <paramref name="contentLength"/> bytes (one-byte tag).</summary>
    public static int Tlv(int contentLength) => 1 + LengthOfLength(contentLength) + contentLength;

    /// <summary>Writes a tag and a definite length; returns the number of bytes written.</summary>
    public static int WriteHeader(Span<byte> destination, byte tag, int contentLength)
    {
        destination[0] = tag;
        switch (LengthOfLength(contentLength))
        {
            case 1:
                destination[1] = (byte)contentLength;
                return 2;
            case 2:
                destination[1] = 0x81;
                destination[2] = (byte)contentLength;
                return 3;
            default:
                destination[1] = 0x82;
                destination[2] = (byte)(contentLength >> 8);
                destination[3] = (byte)contentLength;
                return 4;
        }
    }

    private static int LengthOfLength(int length) => length switch
    {
        < 0 => throw new ArgumentOutOfRangeException(nameof(length)),
        < 0x80 => 1,
        < 0x100 => 2,
        < 0x10000 => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(length), "DER content above 64 KB is not written here."),
    };
}
