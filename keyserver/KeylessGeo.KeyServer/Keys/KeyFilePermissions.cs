namespace KeylessGeo.KeyServer.Keys;

/// <summary>Refuses private key files readable or writable by group or others.</summary>
internal static class KeyFilePermissions
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Throws <see cref="KeyFileException"/> when <paramref name="path"/> has any group/other bit.</summary>
    public static void EnsurePrivate(string path)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOther) != 0)
        {
            throw new KeyFileException(
                $"refusing private key file '{path}': its mode is {ToOctal(mode)} and grants access to group or others; run 'chmod 600 {path}'");
        }
    }

    /// <summary>The permission bits as four octal digits, e.g. 0644.</summary>
    public static string ToOctal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');
}
