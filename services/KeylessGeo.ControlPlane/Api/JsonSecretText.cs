using System.Text;
using KeylessGeo.Placement.Secrets;

namespace KeylessGeo.ControlPlane.Api;

/// <summary>
/// Unescapes a JSON string value that holds a secret (a PEM private key, a passphrase) from its raw
/// UTF-8 bytes straight into a pinned char buffer. <c>Utf8JsonReader.CopyString</c> and
/// <c>GetString</c> unescape through buffers of their own (rented, or a string that cannot be zeroed).
/// </summary>
internal static class JsonSecretText
{
    /// <summary>
    /// The text of <paramref name="raw"/> (the value's bytes between the quotes, already validated by
    /// <see cref="System.Text.Json.Utf8JsonReader"/>) in a pinned array of exactly its length; the
    /// caller zeroes it.
    /// </summary>
    public static char[] Unescape(ReadOnlySpan<byte> raw)
    {
        // Unescaped UTF-16 is never longer than the UTF-8 it came from.
        var scratch = SecretBuffers.Chars(raw.Length);
        try
        {
            var written = 0;
            while (!raw.IsEmpty)
            {
                // A backslash byte never occurs inside a multi-byte UTF-8 sequence.
                var backslash = raw.IndexOf((byte)'\\');
                var run = backslash < 0 ? raw : raw[..backslash];
                written += Encoding.UTF8.GetChars(run, scratch.AsSpan(written));
                if (backslash < 0)
                {
                    break;
                }

                raw = raw[backslash..];
                scratch[written++] = Escaped(raw, out var consumed);
                raw = raw[consumed..];
            }

            var exact = SecretBuffers.Chars(written);
            scratch.AsSpan(0, written).CopyTo(exact);
            return exact;
        }
        finally
        {
            SecretBuffers.Zero(scratch);
        }
    }

    private static char Escaped(ReadOnlySpan<byte> escape, out int consumed)
    {
        consumed = 2;
        switch (escape[1])
        {
            case (byte)'n': return '\n';
            case (byte)'r': return '\r';
            case (byte)'t': return '\t';
            case (byte)'b': return '\b';
            case (byte)'f': return '\f';
            case (byte)'u':
                consumed = 6;
                return (char)((Hex(escape[2]) << 12) | (Hex(escape[3]) << 8) | (Hex(escape[4]) << 4) | Hex(escape[5]));
            default: return (char)escape[1]; // '"', '\\', '/'
        }
    }

    private static int Hex(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => throw new FormatException("invalid \\u escape"),
    };
}
