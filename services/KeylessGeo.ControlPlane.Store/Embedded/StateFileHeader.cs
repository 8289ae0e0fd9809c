using System.Text.Json;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// Reads the revision from the first bytes of <c>state.json</c> (<c>{"format":1,"revision":N,…</c>),
/// so polling for changes and cache checks never parse the whole document.
/// </summary>
internal static class StateFileHeader
{
    /// <summary>How many bytes the header fits in.</summary>
    public const int MaxLength = 128;

    /// <summary>The revision, or false when the prefix does not start the way this build writes it.</summary>
    public static bool TryReadRevision(ReadOnlySpan<byte> prefix, out long revision)
    {
        revision = 0;
        var reader = new Utf8JsonReader(prefix, isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isRevision = reader.ValueTextEquals("revision"u8);
                var isFormat = reader.ValueTextEquals("format"u8);
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !(isRevision || isFormat))
                {
                    return false;
                }

                if (isRevision)
                {
                    return reader.TryGetInt64(out revision);
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The format number, when the prefix starts with it as this build and earlier ones write it.</summary>
    public static bool TryReadFormat(ReadOnlySpan<byte> prefix, out int format)
    {
        format = 0;
        var reader = new Utf8JsonReader(prefix, isFinalBlock: false, state: default);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("format"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out format);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
