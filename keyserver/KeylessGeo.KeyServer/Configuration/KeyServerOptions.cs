namespace KeylessGeo.KeyServer.Configuration;

/// <summary>
/// Keyserver settings, bound from the configuration section <see cref="SectionName"/> (one JSON
/// file, environment variables prefixed <c>KEYLESSGEO_</c>, command-line flags).
/// </summary>
public sealed record KeyServerOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "KeyServer";

    /// <summary>This keyserver's id, reported in every response's <c>served_by</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>The datacenter this keyserver runs in, reported in <c>served_by</c>.</summary>
    public string Datacenter { get; init; } = "";

    /// <summary>
    /// The folder holding <c>NAME.key</c> private keys with optional <c>NAME.crt</c> and
    /// <c>NAME.pub</c> beside them (see docs/KEYS.md).
    /// </summary>
    public string KeysDirectory { get; init; } = "";

    /// <summary>
    /// More key folders, laid out like <see cref="KeysDirectory"/> and read after it, in this
    /// order (gokeyless's several <c>dir:</c> key stores). When two folders hold a key of the
    /// same id, the first folder's is served and the other is reported.
    /// </summary>
    public IReadOnlyList<string> KeysDirectories { get; init; } = [];

    /// <summary>How many private keys are held loaded at once; others are loaded on use.</summary>
    public int PrivateKeyCacheCapacity { get; init; } = 1024;

    /// <summary>
    /// How long the key directory must be quiet after a change before it is re-read, so a key
    /// and its certificate written one after the other are picked up together.
    /// </summary>
    public TimeSpan ReloadDebounce { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Keys held in hardware security modules, reached through PKCS#11 (see docs/KEYS.md).</summary>
    public Keys.Pkcs11.Pkcs11Options Pkcs11 { get; init; } = new();

    /// <summary>Admission control, calibration and accelerator settings.</summary>
    public AdmissionOptions Admission { get; init; } = new();

    /// <summary>
    /// Every key folder in the order they are read: <see cref="KeysDirectory"/> (when set), then
    /// <see cref="KeysDirectories"/>; empty entries are left out.
    /// </summary>
    public IReadOnlyList<string> AllKeysDirectories()
    {
        var all = new List<string>(1 + (KeysDirectories?.Count ?? 0));
        if (!string.IsNullOrWhiteSpace(KeysDirectory))
        {
            all.Add(KeysDirectory);
        }

        foreach (var directory in KeysDirectories ?? [])
        {
            if (!string.IsNullOrWhiteSpace(directory))
            {
                all.Add(directory);
            }
        }

        return all;
    }
}
