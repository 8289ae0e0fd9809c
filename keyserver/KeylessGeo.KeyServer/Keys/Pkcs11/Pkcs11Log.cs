using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>Log entries of the PKCS#11 key source. No entry carries a PIN or key bytes.</summary>
internal static partial class Pkcs11Log
{
    [LoggerMessage(1100, LogLevel.Information, "PKCS#11 {Uri}: indexed key {KeyId} ({Algorithm}) from {Token}", EventName = "Pkcs11KeyIndexed")]
    public static partial void KeyIndexed(ILogger logger, string uri, string keyId, string algorithm, string token);

    [LoggerMessage(1101, LogLevel.Warning, "PKCS#11 {Uri}: a key on {Token} is not served: {Reason}", EventName = "Pkcs11KeyRefused")]
    public static partial void KeyRefused(ILogger logger, string uri, string token, string reason);

    [LoggerMessage(1102, LogLevel.Error, "PKCS#11 {Uri}: the module cannot be loaded ({Reason}); its keys are not served", EventName = "Pkcs11ModuleFailed")]
    public static partial void ModuleFailed(ILogger logger, string uri, string reason);

    [LoggerMessage(1103, LogLevel.Error, "PKCS#11 {Uri}: no token matches; {Kept} keys known from an earlier read stay indexed and fail with INTERNAL until it is back (SIGHUP re-reads)", EventName = "Pkcs11TokenMissing")]
    public static partial void TokenMissing(ILogger logger, string uri, int kept);

    [LoggerMessage(1104, LogLevel.Error, "PKCS#11 {Uri}: {Token} cannot be read ({Reason}); {Kept} keys known from an earlier read stay indexed and fail with INTERNAL until it recovers", EventName = "Pkcs11TokenUnreadable")]
    public static partial void TokenUnreadable(ILogger logger, string uri, string token, string reason, int kept);

    [LoggerMessage(1105, LogLevel.Warning, "PKCS#11 {Uri}: {Token} refused the login ({Reason}); {Count} keys indexed from its public key objects fail with INTERNAL until it accepts a login", EventName = "Pkcs11KeysFromPublicObjects")]
    public static partial void KeysFromPublicObjects(ILogger logger, string uri, string token, string reason, int count);

    [LoggerMessage(1106, LogLevel.Error, "PKCS#11 {Token} cannot be opened: {Reason}", EventName = "Pkcs11TokenOpenFailed")]
    public static partial void TokenOpenFailed(ILogger logger, string token, string reason);

    [LoggerMessage(1107, LogLevel.Information, "PKCS#11 {Token} logged in", EventName = "Pkcs11TokenLoggedIn")]
    public static partial void TokenLoggedIn(ILogger logger, string token);

    [LoggerMessage(1108, LogLevel.Warning, "PKCS#11 {Token} failed with {ReturnValue}: every session is closed and the token is opened again on next use", EventName = "Pkcs11TokenReset")]
    public static partial void TokenReset(ILogger logger, string token, string returnValue);

    [LoggerMessage(1109, LogLevel.Warning, "PKCS#11 operation with key {KeyId} on {Token} failed: {Method} returned {ReturnValue}", EventName = "Pkcs11OperationFailed")]
    public static partial void OperationFailed(ILogger logger, string keyId, string token, string method, string returnValue);

    [LoggerMessage(1110, LogLevel.Warning, "PKCS#11 key {KeyId} is indexed as {NewKeyId}: its id is taken by another key", EventName = "Pkcs11KeyIdTaken")]
    public static partial void KeyIdTaken(ILogger logger, string keyId, string newKeyId);

    [LoggerMessage(1111, LogLevel.Warning, "PKCS#11 {Uri}: the certificate stored with key {KeyId} is ignored: {Reason}", EventName = "Pkcs11CertificateIgnored")]
    public static partial void CertificateIgnored(ILogger logger, string uri, string keyId, string reason);
}
