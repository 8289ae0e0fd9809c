namespace KeylessGeo.Policy.Language;

/// <summary>
/// Thrown when policy text or policy JSON cannot be parsed. <see cref="Exception.Message"/> is
/// <c>line L, column C: message</c>.
/// </summary>
public sealed class PolicyParseException : FormatException
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public PolicyParseException(ParseError error)
        : base(error?.ToString())
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The first error found, with its position.</summary>
    public ParseError Error { get; }
}
