using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>
/// A private key that never leaves its device (a PKCS#11 token): the device performs each
/// operation. Called on a worker thread, since device calls block.
/// </summary>
internal interface IDevicePrivateKey
{
    /// <summary>
    /// Performs <paramref name="operation"/> (already checked by the operation rules) and returns
    /// the result in a new array, exactly as an in-process key would. Throws
    /// <see cref="System.Security.Cryptography.CryptographicException"/> where an in-process key
    /// would (an invalid ciphertext) and <see cref="KeyDeviceException"/> when the device fails.
    /// </summary>
    public byte[] Execute(Operation operation, ReadOnlySpan<byte> payload);
}
