using System.Globalization;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>
/// The deploy/nginx/ examples turned into a test's configuration by replacing the few lines that
/// differ on a test machine (paths, port, user, one worker, the log on stderr at info, where nginx logs failed handshakes). Each replaced text
/// must be in the example, so an edit that breaks the example's shape fails here, by name.
/// </summary>
public static class NginxConfiguration
{
    /// <summary>The example server names, in the order rsa, ec, local.</summary>
    public static readonly string[] ServerNames = ["rsa.example.com", "ec.example.com", "local.example.com"];

    /// <summary>nginx.conf for <paramref name="directory"/> (which stands for /etc/keylessgeo), listening on <paramref name="port"/>.</summary>
    public static string Nginx(string directory, int port)
    {
        var text = File.ReadAllText(RepositoryPaths.NginxExample("nginx.conf"));
        var user = Environment.UserName == "root" ? "user root root;" : "# user: nginx runs as the test's user";
        text = Replace(text, "user www-data;", user);
        text = Replace(text, "worker_processes auto;", "worker_processes 1;");
        text = Replace(text, "pid /run/nginx.pid;", $"pid {directory}/nginx.pid;");
        text = Replace(text, "error_log /var/log/nginx/error.log notice;", "error_log stderr info;");
        text = Replace(text, "listen 443 ssl;", string.Create(CultureInfo.InvariantCulture, $"listen 127.0.0.1:{port} ssl;"));
        text = Replace(text, "/etc/keylessgeo/", directory + "/");

        // Debian's nginx keeps request bodies under /var/lib/nginx by default; a test keeps its own.
        var temp = string.Join('\n', new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" }.Select(p => $"    {p}_temp_path {directory}/{p}_temp;"));
        return Replace(text, "http {", "http {\n" + temp);
    }

    /// <summary>The engine's openssl.cnf with the engine library, the agent's socket and a deadline.</summary>
    public static string OpenSsl(string engineLibrary, string socketPath, int deadlineMs)
    {
        var text = File.ReadAllText(RepositoryPaths.NginxExample("openssl-keylessgeo.cnf"));
        text = Replace(text, "/usr/lib/keylessgeo/keylessgeo.so", engineLibrary);
        text = Replace(text, "/run/keylessgeo/edge-agent.keyless.sock", socketPath);
        return Replace(text, "DEADLINE_MS = 1000", string.Create(CultureInfo.InvariantCulture, $"DEADLINE_MS = {deadlineMs}"));
    }

    private static string Replace(string text, string example, string replacement) =>
        text.Contains(example, StringComparison.Ordinal)
            ? text.Replace(example, replacement, StringComparison.Ordinal)
            : throw new InvalidOperationException($"The deploy/nginx example no longer contains '{example}'; update the example or this test.");
}
