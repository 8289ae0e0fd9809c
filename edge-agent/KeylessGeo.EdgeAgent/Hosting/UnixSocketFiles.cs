using System.Net.Sockets;

namespace KeylessGeo.EdgeAgent.Hosting;

/// <summary>The agent's Unix socket files: a stale one is removed before binding, a live one is an error, and the mode is set once bound.</summary>
internal static class UnixSocketFiles
{
    /// <summary>
    /// Makes <paramref name="path"/> bindable: creates its directory (mode 0750) if missing and removes a
    /// socket file nobody listens on (left by a process that died). Returns an error when something
    /// answers on it (another agent is running) or the path cannot be used.
    /// </summary>
    public static string? Prepare(string setting, string path)
    {
        try
        {
            var directory = Path.GetDirectoryName(path)!;
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            }

            if (!File.Exists(path))
            {
                return null;
            }

            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                return $"{setting} '{path}': another process is listening on it.";
            }
            catch (SocketException)
            {
                File.Delete(path);
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{setting} '{path}': {e.Message}";
        }
    }

    /// <summary>Sets the bound socket's file mode.</summary>
    public static void SetMode(string path, UnixFileMode mode) => File.SetUnixFileMode(path, mode);
}
