using System.Globalization;

namespace KeylessGeo.EpollFloor;

/// <summary>
/// The command line: keyless-floor's (<c>--port --cert --key --ca --sign-key ...</c>, so a script can
/// run either server) plus <c>--loops</c>.
/// </summary>
internal sealed record FloorOptions
{
    /// <summary>keyless-floor's limit on <c>--sign-key</c> files.</summary>
    public const int MaxKeys = 8;

    public const string Usage =
        "usage: KeylessGeo.EpollFloor --port PORT --cert server.crt --key server.key --ca ca.crt " +
        "--sign-key KEY.pem [--sign-key KEY.pem ...] [--loops N] [--shared-epoll]";

    public int Port { get; init; }
    public string Cert { get; init; } = string.Empty;
    public string Key { get; init; } = string.Empty;
    public string Ca { get; init; } = string.Empty;
    public IReadOnlyList<string> SignKeys { get; init; } = [];

    /// <summary>Event-loop threads; 1 (the default) is the C floor's shape.</summary>
    public int Loops { get; init; } = 1;

    /// <summary>
    /// One epoll set for all loops, each connection armed for one event at a time (<c>EPOLLONESHOT</c>):
    /// whichever loop is free takes the next ready connection. Off by default (a set per loop, a
    /// connection per loop for life, as the keyserver's transport).
    /// </summary>
    public bool SharedEpoll { get; init; }

    /// <summary>
    /// Parses <paramref name="args"/>; every problem goes to <paramref name="errors"/>. The options come back
    /// even then (what could be read), so the key files named can be checked and reported in the same list.
    /// </summary>
    public static FloorOptions Parse(string[] args, List<string> errors)
    {
        string? port = null, cert = null, key = null, ca = null, loops = null;
        var shared = false;
        var signKeys = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--shared-epoll")
            {
                shared = true;
                continue;
            }
            if (i + 1 >= args.Length)
            {
                errors.Add($"{args[i]} needs a value");
                continue;
            }
            switch (args[i])
            {
                case "--port": port = args[++i]; break;
                case "--cert": cert = args[++i]; break;
                case "--key": key = args[++i]; break;
                case "--ca": ca = args[++i]; break;
                case "--sign-key": signKeys.Add(args[++i]); break;
                case "--loops": loops = args[++i]; break;
                default: errors.Add($"unknown option {args[i]}"); break;
            }
        }
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber) || portNumber > 65535)
        {
            errors.Add($"--port must be 0..65535, got '{port}'");
        }
        var loopCount = 1;
        if (loops is not null && (!int.TryParse(loops, NumberStyles.None, CultureInfo.InvariantCulture, out loopCount) || loopCount is < 1 or > 64))
        {
            errors.Add($"--loops must be 1..64, got '{loops}'");
        }
        foreach (var (name, value) in new[] { ("--cert", cert), ("--key", key), ("--ca", ca) })
        {
            if (value is null)
            {
                errors.Add($"{name} is required");
            }
        }
        if (signKeys.Count is 0 or > MaxKeys)
        {
            errors.Add($"give 1..{MaxKeys} --sign-key files, got {signKeys.Count}");
        }
        return new FloorOptions
        {
            Port = portNumber,
            Cert = cert ?? string.Empty,
            Key = key ?? string.Empty,
            Ca = ca ?? string.Empty,
            SignKeys = signKeys.Take(MaxKeys).ToArray(),
            Loops = loopCount,
            SharedEpoll = shared,
        };
    }
}
