namespace KeylessGeo.KeyServer.Keys;

/// <summary>Refuses private key files readable or writable by group or others.</summary>
internal static class KeyFilePermissions
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Throws <see cref="KeyFileException"/> when <paramref name="path"/> has any group/other bit.</summary>
    public static void EnsurePrivate(string path) => Check(File.GetUnixFileMode(path), path);

    /// <summary>
    /// The same check on a file already open for reading, so the mode checked is the mode of
    /// the file read, even if the path is swapped or re-permissioned in between.
    /// </summary>
    public static void EnsurePrivate(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path) => Check(File.GetUnixFileMode(handle), path);

    private static void Check(UnixFileMode mode, string path)
    {
        if ((mode & GroupOrOther) != 0)
        {
            throw new KeyFileException(
                $"refusing private key file '{path}': its mode is {ToOctal(mode)} and grants access to group or others; run 'chmod 600 {path}'");
        }
    }

    /// <summary>The permission bits as four octal digits, e.g. 0644.</summary>
    public static string ToOctal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');
}
