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

    /// <summary>The projects (paths from the root) that <paramref name="dockerfile"/> runs <c>dotnet publish</c> on.</summary>
    public static IReadOnlyList<string> PublishedProjects(string dockerfile) =>
        [.. System.Text.RegularExpressions.Regex.Matches(Text(dockerfile), @"dotnet publish (?<project>\S+)").Select(m => m.Groups["project"].Value)];

    /// <summary>The container paths <paramref name="dockerfile"/> copies files to (every <c>COPY</c>'s last word).</summary>
    public static IReadOnlyList<string> CopyTargets(string dockerfile) =>
        [.. Lines(dockerfile).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])];

    /// <summary>The text of <paramref name="dockerfile"/>.</summary>
    public static string Text(string dockerfile) => RepositoryFiles.Read(dockerfile);

    private static IEnumerable<string> Lines(string dockerfile) => Text(dockerfile).Split('\n').Select(l => l.Trim());
}
