using Microsoft.Extensions.Logging;

namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>Log events of the gokeyless configuration (event ids 910–919).</summary>
internal static partial class GokeylessLog
{
    [LoggerMessage(910, LogLevel.Information, "Read gokeyless configuration {Path}: {Directories} key folders, {Pkcs11Uris} PKCS#11 URIs", EventName = "GokeylessConfigurationRead")]
    public static partial void Read(ILogger logger, string path, int directories, int pkcs11Uris);

    [LoggerMessage(911, LogLevel.Warning, "gokeyless setting not used: {Message}", EventName = "GokeylessSettingNotUsed")]
    public static partial void SettingNotUsed(ILogger logger, string message);
}
