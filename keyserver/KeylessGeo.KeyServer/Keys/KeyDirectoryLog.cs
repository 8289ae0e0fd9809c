using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Keys;

/// <summary>Log events of reading several key folders (event ids 900–909).</summary>
internal static partial class KeyDirectoryLog
{
    [LoggerMessage(900, LogLevel.Warning, "Key {KeyId} in {Directory} is not served: a key of the same id in {ServedFrom} comes first", EventName = "KeyIdInSeveralDirectories")]
    public static partial void KeyIdInSeveralDirectories(ILogger logger, string keyId, string directory, string servedFrom);

    [LoggerMessage(901, LogLevel.Error, "Key directory {Directory} could not be listed; its {Kept} keys of the last good read stay in force", EventName = "KeyDirectoryKeptLastGoodKeys")]
    public static partial void KeptLastGoodKeys(ILogger logger, string directory, int kept);
}
