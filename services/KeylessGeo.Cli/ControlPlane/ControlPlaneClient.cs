using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary>
/// A small HTTP client for the control-plane API, over the control plane's Unix socket
/// (<c>unix:/run/keylessgeo/controlplane.sock</c>) or mutual TLS (<c>https://…</c>); non-2xx answers
/// become <see cref="ControlPlaneApiException"/>.
/// </summary>
public sealed class ControlPlaneClient : IDisposable
{
    private const string UnixScheme = "unix:";

    private readonly HttpClient _http;

    private ControlPlaneClient(HttpClient http, string endpoint)
    {
        _http = http;
        Endpoint = endpoint;
    }

    /// <summary>Where the client connects, for messages: <c>unix:/path</c> or the URL's origin.</summary>
    public string Endpoint { get; }

    /// <summary>Connects as the parsed options say; <see cref="CliUsageException"/> for a missing or bad address or unreadable certificates.</summary>
    public static ControlPlaneClient Open(ParseResult parse, ControlPlaneConnection connection)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(connection);
        var text = parse.GetValue(connection.Url);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliUsageException($"no control plane given: pass --control-plane unix:PATH or https://HOST:PORT, or set {ControlPlaneConnection.EnvironmentVariable}");
        }

        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (text.StartsWith(UnixScheme, StringComparison.Ordinal))
        {
            var socket = SocketPath(text);
            handler.ConnectCallback = (_, cancellationToken) => ConnectUnixAsync(socket, cancellationToken);
            return Create(handler, new Uri("http://localhost/"), UnixScheme + socket);
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliUsageException($"--control-plane '{text}' is not unix:PATH, an https:// URL or an http:// URL");
        }

        if (url.Scheme == Uri.UriSchemeHttps)
        {
            ConfigureTls(handler, parse, connection);
        }

        var origin = new Uri(url.GetLeftPart(UriPartial.Authority) + "/");
        return Create(handler, origin, origin.ToString());
    }

    /// <summary>A client of the control plane's Unix socket at <paramref name="socketPath"/> (an absolute path).</summary>
    public static ControlPlaneClient ForUnixSocket(string socketPath)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        handler.ConnectCallback = (_, cancellationToken) => ConnectUnixAsync(socketPath, cancellationToken);
        return Create(handler, new Uri("http://localhost/"), UnixScheme + socketPath);
    }

    /// <summary>GET <paramref name="path"/>.</summary>
    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>Sends <paramref name="body"/> as JSON.</summary>
    public Task<JsonElement> SendJsonAsync(HttpMethod method, string path, JsonNode body, CancellationToken cancellationToken) =>
        SendAsync(method, path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>Sends a request; returns the JSON answer or throws <see cref="ControlPlaneApiException"/>.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonElement? json = null;
        try
        {
            json = body.Length == 0 ? null : JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's error page): reported with the raw body below.
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ControlPlaneApiException(response.StatusCode, json, body.Length > 500 ? body[..500] : body);
        }

        return json ?? default;
    }

    public void Dispose() => _http.Dispose();

    private static ControlPlaneClient Create(SocketsHttpHandler handler, Uri baseAddress, string endpoint) =>
        new(new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) }, endpoint);

    private static string SocketPath(string text)
    {
        // unix:/run/x.sock and unix:///run/x.sock both name /run/x.sock.
        var path = text[UnixScheme.Length..];
        path = path.StartsWith("///", StringComparison.Ordinal) ? path[2..] : path;
        return Path.IsPathFullyQualified(path)
            ? path
            : throw new CliUsageException($"--control-plane '{text}': the socket path must be absolute, e.g. unix:{ControlPlaneConnection.DefaultSocketPath}");
    }

    private static async ValueTask<Stream> ConnectUnixAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
        {
            socket.Dispose();
            throw new HttpRequestException($"{ex.Message}: your user may not connect to {path} (the socket file's owner and group decide who may; ask to be added to its group)", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void ConfigureTls(SocketsHttpHandler handler, ParseResult parse, ControlPlaneConnection connection)
    {
        var certificate = parse.GetValue(connection.ClientCertificate);
        var key = parse.GetValue(connection.ClientKey);
        if ((certificate is null) != (key is null))
        {
            throw new CliUsageException("give --client-cert and --client-key together");
        }

        try
        {
            if (certificate is not null)
            {
                handler.SslOptions.ClientCertificates = [MutualTls.LoadPem(certificate.FullName, key!.FullName)];
            }

            if (parse.GetValue(connection.Ca) is { } ca)
            {
                var trusted = MutualTls.LoadPemBundle(ca.FullName);
                handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                    (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) == 0 && Trusts(trusted, presented);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or CryptographicException or IOException)
        {
            throw new CliUsageException("cannot load the TLS material: " + ex.Message, ex);
        }
    }

    private static bool Trusts(X509Certificate2Collection trusted, X509Certificate? presented)
    {
        if (presented is not X509Certificate2 server)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(CertificateValidation.ServerAuthentication);
        return chain.Build(server);
    }
}
