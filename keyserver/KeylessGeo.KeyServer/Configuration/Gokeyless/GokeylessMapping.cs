namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>What a gokeyless configuration becomes: this keyserver's settings, and what is not used.</summary>
internal sealed record GokeylessMapping
{
    /// <summary>Configuration keys of this keyserver (<c>Keyless:Port</c>) and their values.</summary>
    public required IReadOnlyDictionary<string, string?> Data { get; init; }

    /// <summary>Settings accepted but not acted on, each a sentence for the start-up log.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>How many key folders and PKCS#11 URIs were mapped.</summary>
    public required (int Directories, int Pkcs11Uris) Stores { get; init; }
}
