using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Diagnostics;

/// <summary>
/// Every log message of the keyserver core, with stable event ids. Messages carry key ids, file
/// names and error codes, never key material or payloads.
/// </summary>
internal static partial class KeyServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Indexed key directory {Directory}: {Count} keys", EventName = "KeyDirectoryIndexed")]
    public static partial void KeyDirectoryIndexed(ILogger logger, string directory, int count);

    [LoggerMessage(2, LogLevel.Error, "Cannot read key directory {Directory}", EventName = "KeyDirectoryUnreadable")]
    public static partial void KeyDirectoryUnreadable(ILogger logger, string directory, Exception exception);

    [LoggerMessage(3, LogLevel.Debug, "Indexed key {KeyId} ({Algorithm}) from its {Source}", EventName = "KeyIndexed")]
    public static partial void KeyIndexed(ILogger logger, string keyId, string algorithm, string source);

    [LoggerMessage(4, LogLevel.Error, "Key file {File} is not served: {Reason}", EventName = "KeyFileRefused")]
    public static partial void KeyFileRefused(ILogger logger, string file, string reason);

    [LoggerMessage(5, LogLevel.Error, "Key file {File} cannot be read", EventName = "KeyFileUnreadable")]
    public static partial void KeyFileUnreadable(ILogger logger, string file, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Key {KeyId} has no certificate or public key file: its public key was derived from the private key at start-up. Write {PublicKeyPath} (openssl pkey -in KEY -pubout) so start-up reads no private key", EventName = "PublicKeyDerivedFromPrivateKey")]
    public static partial void PublicKeyDerivedFromPrivateKey(ILogger logger, string keyId, string publicKeyPath);

    [LoggerMessage(7, LogLevel.Debug, "Loaded private key {KeyId}", EventName = "PrivateKeyLoaded")]
    public static partial void PrivateKeyLoaded(ILogger logger, string keyId);

    [LoggerMessage(8, LogLevel.Debug, "Evicted private key {KeyId} from the cache", EventName = "PrivateKeyEvicted")]
    public static partial void PrivateKeyEvicted(ILogger logger, string keyId);

    [LoggerMessage(9, LogLevel.Error, "Cannot load private key {KeyId}: {Reason}", EventName = "PrivateKeyLoadFailed")]
    public static partial void PrivateKeyLoadFailed(ILogger logger, string keyId, string reason);

    /// <summary>Logged at Debug for CRYPTO_FAILURE (a client's bad ciphertext), Warning otherwise.</summary>
    [LoggerMessage(EventId = 10, EventName = "OperationFailed", Message = "Request {RequestId} ({Operation}, key {KeyId}) failed with {ErrorCode}: {ExceptionType}")]
    public static partial void OperationFailed(ILogger logger, LogLevel level, ulong requestId, string operation, string keyId, string errorCode, string exceptionType);

    [LoggerMessage(11, LogLevel.Information, "Calibrated {Algorithm}: {OperationsPerSecond:F0} operations per second across all workers", EventName = "CalibrationCompleted")]
    public static partial void CalibrationCompleted(ILogger logger, string algorithm, double operationsPerSecond);

    [LoggerMessage(12, LogLevel.Error, "Calibration of {Algorithm} failed", EventName = "CalibrationFailed")]
    public static partial void CalibrationFailed(ILogger logger, string algorithm, Exception exception);

    [LoggerMessage(13, LogLevel.Information, "Accelerator {Kind} in use ({Source}); RSA and ECDSA capacity multiplied by {Multiplier}", EventName = "AcceleratorInUse")]
    public static partial void AcceleratorInUse(ILogger logger, string kind, string source, double multiplier);

    [LoggerMessage(14, LogLevel.Critical, "An admission worker caught an unexpected exception", EventName = "AdmissionWorkerFailed")]
    public static partial void AdmissionWorkerFailed(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Managed key {KeyId} is not served: a key file of the same id in {Directory} takes precedence", EventName = "ManagedKeyShadowed")]
    public static partial void ManagedKeyShadowed(ILogger logger, string keyId, string directory);

    [LoggerMessage(16, LogLevel.Information, "process hardening: Dumpable: {Dumpable} (prctl PR_GET_DUMPABLE), core file limit {CoreLimit} bytes", EventName = "ProcessHardened")]
    public static partial void ProcessHardened(ILogger logger, int dumpable, ulong coreLimit);

    [LoggerMessage(17, LogLevel.Warning, "process hardening failed: Dumpable: {Dumpable}; other processes of this user may read the keyserver's memory", EventName = "ProcessHardeningFailed")]
    public static partial void ProcessHardeningFailed(ILogger logger, int dumpable);

    [LoggerMessage(18, LogLevel.Information, "Reloaded key directory {Directory} ({Trigger}): {Served} keys served, {Added} added, {Removed} removed, {Changed} changed, {Refused} refused {RefusedFiles}", EventName = "KeyDirectoryReloaded")]
    public static partial void KeyDirectoryReloaded(ILogger logger, string directory, string trigger, int served, int added, int removed, int changed, int refused, string refusedFiles);

    [LoggerMessage(19, LogLevel.Error, "Reload of key directory {Directory} ({Trigger}) could not list it; the {Served} keys of the last good read stay in force", EventName = "KeyDirectoryReloadKeptLastGoodSet")]
    public static partial void KeyDirectoryReloadKeptLastGoodSet(ILogger logger, string directory, string trigger, int served);

    [LoggerMessage(20, LogLevel.Error, "Reload of key directory {Directory} ({Trigger}) failed; the keys in force are unchanged", EventName = "KeyDirectoryReloadFailed")]
    public static partial void KeyDirectoryReloadFailed(ILogger logger, string directory, string trigger, Exception exception);

    [LoggerMessage(21, LogLevel.Warning, "Watching key directory {Directory} for changes failed ({ExceptionType}); re-reading it in full", EventName = "KeyDirectoryWatchError")]
    public static partial void KeyDirectoryWatchError(ILogger logger, string directory, string exceptionType);

    [LoggerMessage(22, LogLevel.Warning, "Cannot watch key directory {Directory} for changes ({ExceptionType}: {Reason}); send SIGHUP to reload it", EventName = "KeyDirectoryWatchUnavailable")]
    public static partial void KeyDirectoryWatchUnavailable(ILogger logger, string directory, string exceptionType, string reason);

    [LoggerMessage(23, LogLevel.Information, "Watching key directory {Directory} (changes reloaded after {Debounce} of quiet; SIGHUP reloads too)", EventName = "KeyDirectoryWatching")]
    public static partial void KeyDirectoryWatching(ILogger logger, string directory, TimeSpan debounce);
}
