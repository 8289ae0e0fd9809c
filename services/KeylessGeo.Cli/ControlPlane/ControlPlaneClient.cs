using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary>A small HTTP client for the control-plane API; non-2xx answers become <see cref="ControlPlaneApiException"/>.</summary>
public sealed class ControlPlaneClient : IDisposable
{
    private readonly HttpClient _http;

    private ControlPlaneClient(HttpClient http) => _http = http;

    /// <summary>The control plane's base address.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>Connects as the parsed options say; <see cref="CliUsageException"/> for a missing or bad URL or unreadable certificates.</summary>
    public static ControlPlaneClient Open(ParseResult parse, ControlPlaneConnection connection)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(connection);
        var text = parse.GetValue(connection.Url);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliUsageException($"no control plane given: pass --control-plane URL or set {ControlPlaneConnection.EnvironmentVariable}");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliUsageException($"--control-plane '{text}' is not an http:// or https:// URL");
        }

        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (url.Scheme == Uri.UriSchemeHttps)
        {
            ConfigureTls(handler, parse, connection);
        }

        var http = new HttpClient(handler) { BaseAddress = new Uri(url.GetLeftPart(UriPartial.Authority) + "/"), Timeout = TimeSpan.FromSeconds(100) };
        if (parse.GetValue(connection.Actor) is { Length: > 0 } actor)
        {
            http.DefaultRequestHeaders.Add("X-Actor", actor);
        }

        return new ControlPlaneClient(http);
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
