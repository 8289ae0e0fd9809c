using System.Text.RegularExpressions;

namespace KeylessGeo.Serving.Hosting;

/// <summary>
/// Binds a configuration section so that mistakes are errors, not silent defaults: a value of the
/// wrong type (<c>"Port": "seventy"</c>) or a key the options do not have (a misspelt setting) is
/// added to the start-up failures, which the program reports as one list before exiting with 2.
/// </summary>
public static partial class StrictBinding
{
    /// <summary>
    /// Binds <paramref name="section"/>; on a problem adds it to <paramref name="failures"/> and
    /// returns the defaults (so the other sections are still checked).
    /// </summary>
    public static T Bind<T>(IConfiguration configuration, string section, List<string> failures)
        where T : new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);
        try
        {
            return configuration.GetSection(section).Get<T>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException e)
        {
            failures.Add(Describe(section, e));
            return new T();
        }
    }

    private static string Describe(string section, InvalidOperationException e)
    {
        // An unknown key: the binder names the options type and the keys, but not where they are.
        var unknown = UnknownKeys().Match(e.Message);
        if (unknown.Success)
        {
            var type = unknown.Groups["type"].Value;
            return $"{section}: {unknown.Groups["keys"].Value} is not a setting here (a misspelling? {type[(type.LastIndexOf('.') + 1)..]} has no such property).";
        }

        // A value of the wrong type: the binder names the key and the type; the inner exception says why.
        return e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
    }

    [GeneratedRegex("properties were not found on the instance of (?<type>[^:]+): (?<keys>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownKeys();
}
