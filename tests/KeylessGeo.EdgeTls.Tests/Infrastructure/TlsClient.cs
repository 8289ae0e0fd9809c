using System.Globalization;
using System.Text;
using KeylessGeo.Testing;

namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>The TLS clients the acceptance names: <c>openssl s_client</c> and <c>curl</c>, each bounded in time.</summary>
public static class TlsClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// One handshake and an HTTP/1.0 GET with <c>openssl s_client -brief -verify_return_error</c>
    /// against <paramref name="serverName"/> on 127.0.0.1:<paramref name="port"/>, trusting only
    /// <paramref name="caFile"/>; <paramref name="options"/> choose the version, signature algorithms or cipher.
    /// </summary>
    public static Task<ProcessResult> OpenSslAsync(int port, string serverName, string caFile, params string[] options) =>
        ExternalProcess.RunAsync(
            "openssl",
            ["s_client", "-connect", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"), "-servername", serverName,
             "-verify_hostname", serverName, "-CAfile", caFile, "-verify_return_error", "-brief", "-ign_eof", "-no_ticket", .. options],
            Timeout,
            standardInput: Encoding.ASCII.GetBytes($"GET / HTTP/1.0\r\nHost: {serverName}\r\n\r\n"));

    /// <summary><c>curl --cacert</c> GET of https://<paramref name="serverName"/>:<paramref name="port"/>/ resolved to 127.0.0.1.</summary>
    public static Task<ProcessResult> CurlAsync(int port, string serverName, string caFile, params string[] options) =>
        ExternalProcess.RunAsync(
            "curl",
            ["--silent", "--show-error", "--fail", "--max-time", "30", "--cacert", caFile,
             "--resolve", string.Create(CultureInfo.InvariantCulture, $"{serverName}:{port}:127.0.0.1"), "--write-out", "\n%{ssl_verify_result}",
             .. options, string.Create(CultureInfo.InvariantCulture, $"https://{serverName}:{port}/")],
            Timeout);
}
