namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>
/// The local endpoint (configuration section <c>ControlPlane:Listen:UnixSocket</c>): a Unix domain
/// socket whose file permissions decide who may connect and whose peer credentials (the caller's
/// uid) decide, through <c>ControlPlane:Access:Grants</c>, what they may do.
/// </summary>
public sealed record UnixSocketOptions
{
    /// <summary>The socket's absolute path, e.g. <c>/run/keylessgeo/controlplane.sock</c>; empty disables it.</summary>
    public string Path { get; init; } = "";

    /// <summary>The socket file's mode: <c>0600</c> (the control plane's user only, the default) or <c>0660</c> (and <see cref="Group"/>).</summary>
    public string Mode { get; init; } = "0600";

    /// <summary>The group owning the socket file (name or gid); empty keeps the process's group.</summary>
    public string Group { get; init; } = "";

    /// <summary>Whether the socket is enabled.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Path);

    /// <summary>The file mode <see cref="Mode"/> names, or null unless it is 0600 or 0660 (with or without the leading 0).</summary>
    public UnixFileMode? ParsedMode => Mode?.Trim() switch
    {
        "0600" or "600" => UnixFileMode.UserRead | UnixFileMode.UserWrite,
        "0660" or "660" => UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
        _ => null,
    };
}
