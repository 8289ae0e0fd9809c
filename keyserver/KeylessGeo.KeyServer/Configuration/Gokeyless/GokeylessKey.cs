namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>One top-level setting of gokeyless's configuration file.</summary>
/// <param name="Name">The YAML key (<c>auth_cert</c>); its environment variable is <c>KEYLESS_</c> + the name in capitals.</param>
/// <param name="Kind">How its value is read.</param>
/// <param name="Secret">Whether its value must never be repeated in a message.</param>
internal sealed record GokeylessKey(string Name, GokeylessValueKind Kind, bool Secret = false)
{
    /// <summary>The environment variable gokeyless reads for this setting.</summary>
    public string EnvironmentVariable => GokeylessKeys.EnvironmentPrefix + Name.ToUpperInvariant();
}
