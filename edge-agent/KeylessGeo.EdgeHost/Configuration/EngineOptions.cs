namespace KeylessGeo.EdgeHost.Configuration;

/// <summary>
/// The OpenSSL module that opens keys held by keyservers (configuration section <c>Engine</c>):
/// <c>edge-agent/KeylessGeo.OpenSslEngine</c>, loaded into this process as an OpenSSL engine.
/// </summary>
public sealed record EngineOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Engine";

    /// <summary>The engine id the module registers.</summary>
    public string Id { get; init; } = "keylessgeo";

    /// <summary>
    /// The module's shared library. Empty: OpenSSL looks for <c>ID.so</c> in its engines directory
    /// (<c>openssl version -e</c>, or <c>OPENSSL_ENGINES</c>).
    /// </summary>
    public string Path { get; init; } = "";

    /// <summary>
    /// The module's control commands, set before any key is opened (for example the edge agent's
    /// socket and the per-operation deadline; docs/EDGE-TLS.md lists them).
    /// </summary>
    public Dictionary<string, string> Commands { get; init; } = new(StringComparer.Ordinal);
}
