namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>
/// The gokeyless settings read from the file and the <c>KEYLESS_</c> environment variables
/// (later ones replace earlier ones), typed but not yet mapped, with where each came from.
/// </summary>
internal sealed class GokeylessSettings
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _origins = new(StringComparer.Ordinal);

    /// <summary>The key stores, or null when none were configured.</summary>
    public IReadOnlyList<GokeylessStore>? Stores { get; private set; }

    /// <summary>Where <see cref="Stores"/> came from, for messages.</summary>
    public string StoresOrigin { get; private set; } = "";

    /// <summary>Problems found while reading, each naming where and what.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Sets <paramref name="key"/>; a null value (an empty setting) removes it.</summary>
    public void Set(string key, object? value, string origin)
    {
        if (value is null)
        {
            _values.Remove(key);
            _origins.Remove(key);
            return;
        }

        _values[key] = value;
        _origins[key] = origin;
    }

    /// <summary>Replaces the key stores.</summary>
    public void SetStores(IReadOnlyList<GokeylessStore> stores, string origin)
    {
        Stores = stores;
        StoresOrigin = origin;
    }

    /// <summary>Whether <paramref name="key"/> has a value.</summary>
    public bool Has(string key) => _values.ContainsKey(key);

    /// <summary>The text (or path) value of <paramref name="key"/>, or null.</summary>
    public string? Text(string key) => _values.GetValueOrDefault(key) as string;

    /// <summary>The whole-number value of <paramref name="key"/>, or null.</summary>
    public long? Integer(string key) => _values.GetValueOrDefault(key) is long value ? value : null;

    /// <summary>The boolean value of <paramref name="key"/>, or null.</summary>
    public bool? Boolean(string key) => _values.GetValueOrDefault(key) is bool value ? value : null;

    /// <summary>Where <paramref name="key"/> was set, for messages.</summary>
    public string Origin(string key) => _origins.GetValueOrDefault(key) ?? key;
}
