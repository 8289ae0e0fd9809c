namespace KeylessGeo.OpenSslEngine.Engine;

/// <summary>
/// Serialises the one-time set-up of the engine's methods, tables and strings, which a threaded
/// host may reach from several threads at once. Taken only while binding and loading keys, never
/// on the signing path.
/// </summary>
internal static class SetupGate
{
    /// <summary>The lock.</summary>
    public static readonly Lock Gate = new();
}
