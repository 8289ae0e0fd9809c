namespace KeylessGeo.Keyless.Identifiers;

/// <summary>
/// The input holds no usable public key. The message names the problem (and the file, when
/// there is one) and never contains key material.
/// </summary>
public sealed class KeyIdentifierException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KeyIdentifierException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public KeyIdentifierException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public KeyIdentifierException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
