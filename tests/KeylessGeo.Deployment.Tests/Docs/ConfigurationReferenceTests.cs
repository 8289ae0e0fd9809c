using System.Text.RegularExpressions;
using KeylessGeo.Deployment.Tests.Infrastructure;

namespace KeylessGeo.Deployment.Tests.Docs;

/// <summary>
/// docs/CONFIGURATION.md against the executables: every setting the keyserver, the edge agent and
/// the control plane accept (read from their options types, sections as their own start-up checks
/// list them) is in the reference, and every setting the reference names exists.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private const string Reference = "docs/CONFIGURATION.md";

    [Fact]
    public void EverySectionAnExecutableChecks_IsMappedToItsOptionsType_Here()
    {
        foreach (var executable in Executable.All)
        {
            var sections = executable.KnownTopLevel.Where(s => !Executable.FileFlags.Contains(s));

            Assert.Equal(sections.Order(StringComparer.OrdinalIgnoreCase), executable.Sections.Keys.Order(StringComparer.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void SettingPaths_AreReadFromTheOptionsTypes()
    {
        Assert.Contains("Cluster:Silo:Address", Executable.KeyServer.Paths);
        Assert.Contains("Cluster:AdvertisedEndpoints:*", Executable.KeyServer.Paths);
        Assert.Contains("ControlPlane:Access:Grants:*:Roles:*", Executable.ControlPlane.Paths);
        Assert.Contains("Upstreams:Keyservers:*:Address", Executable.EdgeAgent.Paths);
        Assert.DoesNotContain("Listen:TlsEnabled", Executable.KeyServer.Paths);
    }

    [Fact]
    public void TheReference_NamesEverySettingTheExecutablesAccept_AndNoOther()
    {
        var accepted = Executable.All.SelectMany(e => e.Paths).Select(Trim).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var documented = Documented().ToHashSet(StringComparer.OrdinalIgnoreCase);

        var undocumented = accepted.Except(documented, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var unknown = documented.Except(accepted, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();

        Assert.True(undocumented.Count == 0, $"not in {Reference}:\n  " + string.Join("\n  ", undocumented));
        Assert.True(unknown.Count == 0, $"in {Reference} but not a setting:\n  " + string.Join("\n  ", unknown));
    }

    /// <summary>
    /// The settings the reference names: each table whose first header is <c>field</c>, under the
    /// nearest heading that names a section in backquotes (<c>## `Cluster:Silo`</c>), one path per
    /// backquoted name in the row's first cell; <c>N</c> stands for a list index.
    /// </summary>
    private static IEnumerable<string> Documented()
    {
        string? section = null;
        var inTable = false;
        foreach (var line in RepositoryFiles.Read(Reference).Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith('#'))
            {
                var named = SectionInHeading().Match(line);
                section = named.Success ? named.Groups["section"].Value : null;
                inTable = false;
            }
            else if (line.StartsWith("| field |", StringComparison.Ordinal))
            {
                inTable = section is not null;
            }
            else if (!line.StartsWith('|'))
            {
                inTable = false;
            }
            else if (inTable && !line.StartsWith("| ---", StringComparison.Ordinal))
            {
                var first = line.Split('|')[1];
                foreach (Match name in Name().Matches(first))
                {
                    yield return Trim($"{section}:{name.Groups["name"].Value}");
                }
            }
        }
    }

    /// <summary>Indexes as <c>*</c>, and a list's element path as the list's own.</summary>
    private static string Trim(string path)
    {
        var normalized = string.Join(':', path.Split(':').Select(s => s is "N" or "*" ? "*" : s));
        while (normalized.EndsWith(":*", StringComparison.Ordinal))
        {
            normalized = normalized[..^2];
        }

        return normalized;
    }

    [GeneratedRegex(@"^#+ .*?`(?<section>[A-Z][A-Za-z]*(:[A-Za-z*N]+)*)`", RegexOptions.CultureInvariant)]
    private static partial Regex SectionInHeading();

    [GeneratedRegex(@"`(?<name>[A-Z][A-Za-z0-9]*(:[A-Za-z0-9*N]+)*)`", RegexOptions.CultureInvariant)]
    private static partial Regex Name();
}
