using System.Globalization;
using System.Runtime.InteropServices;

namespace KeylessGeo.ControlPlane.Access;

/// <summary>Local users and groups through libc (getpwuid_r, getgrnam_r, getuid): what a Unix socket peer's uid is called.</summary>
public static unsafe partial class UnixAccounts
{
    private const int Erange = 34;

    /// <summary>The uid of this process.</summary>
    public static uint CurrentUserId() => getuid();

    /// <summary>The audit name of this process's user, e.g. <c>uid:0(root)</c>.</summary>
    public static string CurrentIdentityName()
    {
        var uid = CurrentUserId();
        return CallerIdentity.NameOf(uid, UserName(uid));
    }

    /// <summary>The user name of <paramref name="uid"/>, or null when the system knows none.</summary>
    public static string? UserName(uint uid)
    {
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            Passwd entry;
            Passwd* found;
            int error;
            fixed (byte* text = buffer)
            {
                error = getpwuid_r(uid, &entry, text, (nuint)size, &found);
                if (error == 0)
                {
                    return found is null ? null : Marshal.PtrToStringUTF8(entry.Name);
                }
            }

            if (error != Erange)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The gid of a group given by name or number, or null when there is no such group.</summary>
    public static uint? GroupId(string group)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        if (uint.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
        {
            return numeric;
        }

        var name = System.Text.Encoding.UTF8.GetBytes(group + "\0");
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            Group entry;
            Group* found;
            int error;
            fixed (byte* text = buffer)
            fixed (byte* groupName = name)
            {
                error = getgrnam_r(groupName, &entry, text, (nuint)size, &found);
                if (error == 0)
                {
                    return found is null ? null : entry.Gid;
                }
            }

            if (error != Erange)
            {
                return null;
            }
        }

        return null;
    }

    [LibraryImport("libc")]
    private static partial uint getuid();

    [LibraryImport("libc")]
    private static partial int getpwuid_r(uint uid, Passwd* entry, byte* buffer, nuint length, Passwd** result);

    [LibraryImport("libc")]
    private static partial int getgrnam_r(byte* name, Group* entry, byte* buffer, nuint length, Group** result);

    /// <summary>struct passwd (glibc, 64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint Uid;
        public uint Gid;
        public IntPtr Gecos;
        public IntPtr Directory;
        public IntPtr Shell;
    }

    /// <summary>struct group (glibc, 64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Group
    {
        public IntPtr Name;
        public IntPtr Password;
        public uint Gid;
        public IntPtr Members;
    }
}
