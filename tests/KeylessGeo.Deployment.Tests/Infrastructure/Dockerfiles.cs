using System.Text.Json;

namespace KeylessGeo.Deployment.Tests.Infrastructure;

/// <summary>What the repository's Dockerfiles say: the entry point and the user.</summary>
internal static class Dockerfiles
{
    /// <summary>The exec-form <c>ENTRYPOINT</c> of <paramref name="dockerfile"/> (a path from the root).</summary>
    public static IReadOnlyList<string> EntryPoint(string dockerfile)
    {
        var line = Lines(dockerfile).LastOrDefault(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{dockerfile} has no ENTRYPOINT.");
        return JsonSerializer.Deserialize<string[]>(line["ENTRYPOINT ".Length..]) ?? [];
    }

    /// <summary>The last <c>USER</c> of <paramref name="dockerfile"/>, or null.</summary>
    public static string? User(string dockerfile) =>
        Lines(dockerfile).LastOrDefault(l => l.StartsWith("USER ", StringComparison.Ordinal))?["USER ".Length..].Trim();

    /// <summary>The text of <paramref name="dockerfile"/>.</summary>
    public static string Text(string dockerfile) => RepositoryFiles.Read(dockerfile);

    private static IEnumerable<string> Lines(string dockerfile) => Text(dockerfile).Split('\n').Select(l => l.Trim());
}
