namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>
/// Resolves an RFC 7512 <c>module-name</c> (the library name without its platform prefix and
/// suffix, such as <c>softhsm2</c> for <c>libsofthsm2.so</c>) against the directories where
/// distributions install PKCS#11 modules.
/// </summary>
internal static class Pkcs11ModuleLocator
{
    /// <summary>The directories searched, in order.</summary>
    public static IReadOnlyList<string> SearchDirectories { get; } =
    [
        "/usr/lib/x86_64-linux-gnu/pkcs11", "/usr/lib/aarch64-linux-gnu/pkcs11", "/usr/lib64/pkcs11", "/usr/lib/pkcs11",
        "/usr/local/lib/pkcs11", "/usr/lib/softhsm", "/usr/lib64/softhsm", "/usr/local/lib/softhsm",
        "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib",
    ];

    /// <summary>The absolute path of module <paramref name="name"/>, or null when no directory has it.</summary>
    public static string? Find(string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            return null;
        }

        string[] candidates = name.EndsWith(".so", StringComparison.Ordinal) ? [name] : [$"lib{name}.so", $"{name}.so"];
        foreach (var directory in SearchDirectories)
        {
            foreach (var candidate in candidates)
            {
                var path = Path.Combine(directory, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }
}
