using System.Globalization;
using System.Text.RegularExpressions;

namespace KeylessGeo.Cli.Tests;

/// <summary>What the main job printed, read back: its data directory, the PIDs it started and its tables' rows.</summary>
internal sealed partial class MainJobOutput(IReadOnlyList<string> lines)
{
    private static readonly string[] KeyIds = ["demo-rsa2048", "demo-ecdsa-p256", "demo-ed25519"];

    public IReadOnlyList<string> Lines { get; } = lines;

    /// <summary>The data directory named on the first line.</summary>
    public string DataDirectory => DataDirectoryLine().Match(Lines.First(l => l.StartsWith("data directory ", StringComparison.Ordinal))).Groups["path"].Value;

    /// <summary>The child processes from the <c>pids:</c> line: name → pid.</summary>
    public IReadOnlyDictionary<string, int> Pids => Lines.First(l => l.StartsWith("pids: ", StringComparison.Ordinal))["pids: ".Length..]
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('='))
        .ToDictionary(pair => pair[0], pair => int.Parse(pair[1], CultureInfo.InvariantCulture));

    /// <summary>Every row of the TLS handshake table (through the edge hosts).</summary>
    public IReadOnlyList<HandshakeRow> HandshakeRows => [.. Lines
        .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
        .Where(f => f.Length == 9 && KeyIds.Contains(f[1]))
        .Select(f => new HandshakeRow(f[0], f[1], f[2], f[3], f[4], [.. f[5].Split(", ").Select(SignedIn)], f[6], f[8]))];

    /// <summary>Every row of the signature tables (through the edge agents, before and after the narrowing).</summary>
    public IReadOnlyList<Row> Rows => [.. Lines
        .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
        .Where(f => f.Length == 7 && KeyIds.Contains(f[0]))
        .Select(f => new Row(f[0], f[1], f[2], SignedIn(f[3]), f[4], f[6]))];

    private static string SignedIn(string signedBy) => SignedByField().Match(signedBy) is { Success: true } m ? m.Groups["dc"].Value : "";

    [GeneratedRegex(@"^data directory (?<path>\S+) ")]
    private static partial Regex DataDirectoryLine();

    [GeneratedRegex(@"^ks-\S+ \((?<dc>[a-z0-9]+)\)$")]
    private static partial Regex SignedByField();

    /// <summary>One handshake row: server name, key, policy text, entry datacenter, TLS version and cipher, signing datacenters, path, verification column.</summary>
    public sealed record HandshakeRow(string ServerName, string KeyId, string Policy, string Entry, string Tls, IReadOnlyList<string> SignedIn, string Path, string Verified);

    /// <summary>One row: key, policy text, entry datacenter, signing datacenter, path, verification column.</summary>
    public sealed record Row(string KeyId, string Policy, string Entry, string SignedIn, string Path, string Verified);
}
