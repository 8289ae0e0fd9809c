namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>
/// Reads gokeyless's environment variables over the file's settings, as gokeyless does:
/// <c>KEYLESS_</c> + a setting's name in capitals (<c>KEYLESS_PORT</c>, <c>KEYLESS_AUTH_CERT</c>),
/// and <c>KEYLESS_PRIVATE_KEY_DIRS</c> / <c>KEYLESS_PRIVATE_KEY_FILES</c>, comma-separated,
/// which replace <c>private_key_stores</c>. An empty variable counts as unset; other
/// <c>KEYLESS_</c> variables are not gokeyless's and are left alone.
/// </summary>
internal static class GokeylessEnvironment
{
    /// <summary>Applies the variables of <paramref name="environment"/>; relative paths are resolved against the working folder.</summary>
    public static void Read(IReadOnlyDictionary<string, string> environment, GokeylessSettings settings)
    {
        var workingDirectory = Directory.GetCurrentDirectory();
        foreach (var key in GokeylessKeys.Scalars.Values)
        {
            var variable = key.EnvironmentVariable;
            if (!environment.TryGetValue(variable, out var text) || string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var origin = "environment variable " + variable;
            if (GokeylessScalar.TryRead(key, text, workingDirectory, out var value) is { } problem)
            {
                settings.Errors.Add($"{origin}: {problem}.");
                continue;
            }

            settings.Set(key.Name, value, origin);
        }

        var stores = new List<GokeylessStore>();
        AddStores(environment, GokeylessKeys.PrivateKeyDirsVariable, "dir", workingDirectory, stores);
        AddStores(environment, GokeylessKeys.PrivateKeyFilesVariable, "file", workingDirectory, stores);
        if (stores.Count > 0)
        {
            settings.SetStores(stores, "environment variables " + GokeylessKeys.PrivateKeyDirsVariable + "/" + GokeylessKeys.PrivateKeyFilesVariable);
        }
    }

    private static void AddStores(IReadOnlyDictionary<string, string> environment, string variable, string kind, string workingDirectory, List<GokeylessStore> stores)
    {
        if (!environment.TryGetValue(variable, out var text))
        {
            return;
        }

        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            stores.Add(new GokeylessStore(kind, Path.GetFullPath(item, workingDirectory), "environment variable " + variable));
        }
    }
}
