using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Codec;

/// <summary>Limits of the Keyless codec.</summary>
public sealed record KeylessCodecOptions
{
    /// <summary>The default <see cref="MaxBodyLength"/>: 16 KiB.</summary>
    public const int DefaultMaxBodyLength = 16 * 1024;

    /// <summary>
    /// The largest message body accepted (0 to 65535). A longer body is connection-fatal
    /// (<see cref="KeylessFrameStatus.BodyTooLong"/>).
    /// </summary>
    public int MaxBodyLength { get; init; } = DefaultMaxBodyLength;

    /// <summary>Every problem with these options, each naming the field and the bad value; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxBodyLength is < 0 or > KeylessHeader.MaxBodyLength)
        {
            errors.Add($"MaxBodyLength is {MaxBodyLength}; it must be between 0 and {KeylessHeader.MaxBodyLength}.");
        }

        return errors;
    }
}
