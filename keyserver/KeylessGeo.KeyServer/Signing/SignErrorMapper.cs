using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.KeyServer.Admission;
using KeylessGeo.KeyServer.Cluster;
using KeylessGeo.KeyServer.Keys;

namespace KeylessGeo.KeyServer.Signing;

/// <summary>
/// The one place where failures become wire error codes. Client-facing messages never carry
/// exception text (which may name files) and never any key material.
/// </summary>
internal static class SignErrorMapper
{
    public static (ErrorCode Code, string Message) Map(Exception exception, IndexedKey key) => exception switch
    {
        KeyFileException => (ErrorCode.Internal, $"the private key for '{key.KeyId}' cannot be loaded; the keyserver log names the cause"),
        KeyDeviceException => (ErrorCode.Internal, $"the device holding the private key for '{key.KeyId}' cannot perform the operation right now; the keyserver log names the cause"),
        ManagedKeyFetchException fetch => (fetch.Code, fetch.Message),
        ManagedKeyException => (ErrorCode.Internal, $"the private key for '{key.KeyId}' cannot be opened by this keyserver; the keyserver log names the cause"),
        IOException or UnauthorizedAccessException => (ErrorCode.Internal, $"the private key for '{key.KeyId}' could not be read (I/O failure)"),
        CryptographicException => (ErrorCode.CryptoFailure, "the cryptographic operation failed (for example an invalid ciphertext)"),
        ObjectDisposedException => (ErrorCode.Unavailable, "the keyserver is shutting down"),
        _ => (ErrorCode.Internal, "internal error"),
    };

    public static ErrorCode Map(AdmissionDecision decision) => decision switch
    {
        AdmissionDecision.QueueFull or AdmissionDecision.CannotStartBeforeDeadline => ErrorCode.Overloaded,
        AdmissionDecision.DeadlinePassed => ErrorCode.DeadlineExceeded,
        AdmissionDecision.ShuttingDown => ErrorCode.Unavailable,
        _ => ErrorCode.Internal,
    };
}
