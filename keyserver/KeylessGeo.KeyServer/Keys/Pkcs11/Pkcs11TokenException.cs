namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// A token could not perform an operation: it is absent, its PIN was rejected, a session broke
/// or the module returned a <c>CKR_*</c> failure. The request fails with <c>INTERNAL</c>; the
/// message names the token and the return value, never a PIN or key bytes.
/// </summary>
internal sealed class Pkcs11TokenException : KeyDeviceException
{
    public Pkcs11TokenException(string message)
        : base(message)
    {
    }

    public Pkcs11TokenException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
