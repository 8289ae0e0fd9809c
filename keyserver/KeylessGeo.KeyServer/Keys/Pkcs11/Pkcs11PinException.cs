namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>A token's PIN source cannot be read. The message names the source, never the PIN.</summary>
internal sealed class Pkcs11PinException : Exception
{
    public Pkcs11PinException(string message)
        : base(message)
    {
    }

    public Pkcs11PinException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
