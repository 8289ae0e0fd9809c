using KeylessGeo.Testing;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// Runs a program as another local user through <c>setpriv</c> (util-linux): the tests run as root,
/// and access control must be proven against a caller that is not.
/// </summary>
public static class AsUser
{
    /// <summary>The uid of <c>nobody</c> on Debian.</summary>
    public const uint NobodyUid = 65534;

    /// <summary>The gid of <c>nogroup</c> on Debian.</summary>
    public const uint NogroupGid = 65534;

    /// <summary>Runs <paramref name="program"/> as uid/gid <paramref name="uid"/>/<paramref name="gid"/> with no supplementary groups.</summary>
    public static Task<ProcessResult> RunAsync(uint uid, uint gid, string program, params string[] arguments) =>
        ExternalProcess.RunAsync("setpriv", [$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "--", program, .. arguments], TimeSpan.FromSeconds(30));

    /// <summary>Connects to the Unix socket <paramref name="socket"/> as <c>nobody</c> and closes again; the result's standard error names a refusal (e.g. <c>Permission denied</c>).</summary>
    public static Task<ProcessResult> ConnectAsNobodyAsync(string socket) =>
        RunAsync(NobodyUid, NogroupGid, "/usr/bin/python3", "-c", "import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])", socket);

    /// <summary>
    /// Sends one request with curl as <c>nobody</c> over the Unix socket <paramref name="socket"/>;
    /// returns curl's exit code, the HTTP status (0 when there was none) and the body.
    /// </summary>
    public static async Task<(int Exit, int Status, string Body)> CurlAsNobodyAsync(string socket, string method, string path, string? json = null)
    {
        string[] arguments = ["-sS", "--max-time", "20", "--unix-socket", socket, "-X", method, "-w", "\n%{http_code}", $"http://localhost{path}"];
        if (json is not null)
        {
            arguments = [.. arguments, "-H", "content-type: application/json", "--data-binary", json];
        }

        var result = await RunAsync(NobodyUid, NogroupGid, "curl", arguments);
        var output = result.StandardOutput.TrimEnd('\n');
        var split = output.LastIndexOf('\n');
        var status = int.TryParse(split < 0 ? output : output[(split + 1)..], out var code) ? code : 0;
        return (result.ExitCode, status, (split < 0 ? "" : output[..split]) + result.StandardError);
    }
}
