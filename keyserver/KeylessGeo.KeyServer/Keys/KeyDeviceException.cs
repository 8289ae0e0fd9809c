namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// The device holding a private key (a hardware security module) could not perform an operation
/// right now. The request fails with <c>INTERNAL</c>, never <c>KEY_NOT_FOUND</c>: the key is
/// known, its device is not answering. The message names the device, never secrets.
/// </summary>
internal class KeyDeviceException : Exception
{
    public KeyDeviceException(string message)
        : base(message)
    {
    }

    public KeyDeviceException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
