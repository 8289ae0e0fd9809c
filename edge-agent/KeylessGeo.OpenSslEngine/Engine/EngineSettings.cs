using System.Globalization;
using System.Text;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Engine;

/// <summary>
/// The engine's settings, process-wide: built-in defaults, then environment variables (read when
/// the engine is bound), then control commands (openssl.cnf or <c>ENGINE_ctrl_cmd_string</c>),
/// later ones winning. A bad value is kept as an error and reported when a key is loaded and on
/// every operation, so a mistake stops nginx at start (it cannot load its keys) instead of failing
/// handshakes. It is not reported by the control command itself: OpenSSL 3.0 drops errors of its
/// configuration modules silently and would leave the engine uninitialised, hiding the cause.
/// </summary>
internal static class EngineSettings
{
    /// <summary>The edge agent's default Keyless socket (docs/EDGE-AGENT.md, <c>Endpoint:KeylessUnixSocket</c>).</summary>
    public const string DefaultSocketPath = "/run/keylessgeo/edge-agent.keyless.sock";

    /// <summary>The default deadline of one operation, in milliseconds.</summary>
    public const int DefaultDeadlineMs = 1000;

    /// <summary>The longest deadline accepted: a handshake waiting a minute has failed already.</summary>
    public const int MaxDeadlineMs = 60_000;

    /// <summary>Environment variable for the socket path.</summary>
    public const string SocketVariable = "KEYLESSGEO_ENGINE_SOCKET";

    /// <summary>Environment variable for the deadline in milliseconds.</summary>
    public const string DeadlineVariable = "KEYLESSGEO_ENGINE_DEADLINE_MS";

    private static string? _socketError;
    private static string? _deadlineError;

    /// <summary>The agent's socket path.</summary>
    public static string SocketPath { get; private set; } = DefaultSocketPath;

    /// <summary>The per-operation deadline in milliseconds (connect, send and answer together).</summary>
    public static int DeadlineMs { get; private set; } = DefaultDeadlineMs;

    /// <summary>Applies the environment variables that are set.</summary>
    public static void ReadEnvironment()
    {
        if (Environment.GetEnvironmentVariable(SocketVariable) is { } socket)
        {
            SetSocketPath(socket, SocketVariable);
        }

        if (Environment.GetEnvironmentVariable(DeadlineVariable) is { } deadline)
        {
            SetDeadline(deadline, DeadlineVariable);
        }
    }

    /// <summary>Sets the socket path; <paramref name="source"/> names the setting in errors.</summary>
    public static bool SetSocketPath(string path, string source)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            _socketError = $"{source} must be an absolute path, not '{path}'";
            return false;
        }

        if (Encoding.UTF8.GetByteCount(path) >= LibC.SunPathLength)
        {
            _socketError = $"{source} is longer than a Unix socket path may be ({LibC.SunPathLength - 1} bytes): '{path}'";
            return false;
        }

        SocketPath = path;
        _socketError = null;
        return true;
    }

    /// <summary>Sets the deadline from its text (whole milliseconds); <paramref name="source"/> names the setting in errors.</summary>
    public static bool SetDeadline(string milliseconds, string source)
    {
        if (!int.TryParse(milliseconds.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > MaxDeadlineMs)
        {
            _deadlineError = $"{source} must be between 1 and {MaxDeadlineMs} milliseconds, not '{milliseconds}'";
            return false;
        }

        DeadlineMs = value;
        _deadlineError = null;
        return true;
    }

    /// <summary>Raises every current setting error; true when there is none.</summary>
    public static bool Check()
    {
        if (_socketError is { } socket)
        {
            EngineErrors.Raise(EngineError.InvalidSetting, socket);
        }

        if (_deadlineError is { } deadline)
        {
            EngineErrors.Raise(EngineError.InvalidSetting, deadline);
        }

        return _socketError is null && _deadlineError is null;
    }
}
