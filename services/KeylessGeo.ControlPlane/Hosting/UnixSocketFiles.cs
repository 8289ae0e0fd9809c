using System.ComponentModel;
using System.Runtime.InteropServices;

namespace KeylessGeo.ControlPlane.Hosting;

/// <summary>The file-system calls .NET does not expose for socket files: file type and inode (statx), chown, rename.</summary>
internal static unsafe partial class UnixSocketFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxTypeAndInode = 0x1 | 0x100;
    private const int FileTypeMask = 0xF000;
    private const int SocketType = 0xC000;
    private const int Enoent = 2;

    /// <summary>What is at <paramref name="path"/> (symbolic links not followed): nothing, a socket (with its inode) or something else.</summary>
    public static (bool Exists, bool IsSocket, ulong Inode) Inspect(string path)
    {
        // struct statx is 256 bytes with the same layout on every architecture: stx_mode (u16) at 28, stx_ino (u64) at 32.
        var buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxTypeAndInode, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == Enoent ? (false, false, 0UL) : throw new IOException($"cannot inspect '{path}': {new Win32Exception(errno).Message}");
        }

        var mode = *(ushort*)(buffer + 28);
        return (true, (mode & FileTypeMask) == SocketType, *(ulong*)(buffer + 32));
    }

    /// <summary>Gives <paramref name="path"/> to group <paramref name="gid"/> (its owner unchanged).</summary>
    public static void ChangeGroup(string path, uint gid)
    {
        if (chown(path, uint.MaxValue, gid) != 0)
        {
            throw new IOException($"cannot give '{path}' to group {gid}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message} (the control plane's user must be a member of the group, or root)");
        }
    }

    /// <summary>Renames <paramref name="from"/> to <paramref name="to"/> atomically, replacing what is there.</summary>
    public static void Rename(string from, string to)
    {
        if (rename(from, to) != 0)
        {
            throw new IOException($"cannot move the socket to '{to}': {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int directory, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string from, string to);
}
