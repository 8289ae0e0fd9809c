using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeylessGeo.Cli.ControlPlane;
using KeylessGeo.Cli.Demo.Processes;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// The demo's conversation with the control-plane process over its HTTP API on the Unix socket
/// (the demo's own uid holds the admin role), as an operator's <c>keylessgeo</c> commands would.
/// Every call is idempotent, so a data directory kept with <c>--keep</c> can be run again.
/// </summary>
public sealed class DemoControlPlane : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly ControlPlaneClient _client;

    public DemoControlPlane(string socketPath)
    {
        SocketPath = socketPath;
        _client = ControlPlaneClient.ForUnixSocket(socketPath);
    }

    /// <summary>The API's Unix socket.</summary>
    public string SocketPath { get; }

    /// <summary>The HTTP client, for the CLI's own commands (audit verification).</summary>
    public ControlPlaneClient Client => _client;

    /// <summary>Waits until the API answers <c>/healthz</c>; fails at once if the process ends.</summary>
    public async Task WaitHealthyAsync(ChildProcess process, TimeSpan patience, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        while (true)
        {
            process.ThrowIfExited();
            try
            {
                await _client.GetAsync("healthz", timeout.Token);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or ControlPlaneApiException)
            {
                // Not listening yet, or the store not open yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DemoException($"the control plane did not answer on {SocketPath} within {patience.TotalSeconds:F0} s; its last output:\n{process.Tail}");
            }

            await DelayOrTimeoutAsync(timeout.Token, cancellationToken, $"the control plane did not answer on {SocketPath} within {patience.TotalSeconds:F0} s");
        }
    }

    /// <summary>Sets the topology (a no-op when it is already in force).</summary>
    public Task ReplaceTopologyAsync(string topologyJson, CancellationToken cancellationToken) =>
        _client.SendJsonAsync(HttpMethod.Put, "v1/topology", JsonNode.Parse(topologyJson)!, cancellationToken);

    /// <summary>Waits until every datacenter of <paramref name="datacenters"/> has a registered wrapping key.</summary>
    public async Task WaitForWrappingKeysAsync(IReadOnlyCollection<string> datacenters, IReadOnlyList<ChildProcess> keyservers, TimeSpan patience, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        while (true)
        {
            foreach (var keyserver in keyservers)
            {
                keyserver.ThrowIfExited();
            }

            var topology = await _client.GetAsync("v1/topology", cancellationToken);
            var registered = topology.GetProperty("wrappingKeys").EnumerateArray().Select(k => k.GetProperty("datacenter").GetString()).ToHashSet();
            if (datacenters.All(registered.Contains))
            {
                return;
            }

            await DelayOrTimeoutAsync(timeout.Token, cancellationToken,
                $"not every keyserver registered its datacenter's wrapping key within {patience.TotalSeconds:F0} s (registered: {string.Join(", ", registered)})");
        }
    }

    /// <summary>Creates the policy, or sets its text when it exists (a kept data directory); returns the datacenters it permits.</summary>
    public async Task<IReadOnlyList<string>> EnsurePolicyAsync(string id, string text, CancellationToken cancellationToken)
    {
        var existing = await GetOrNullAsync("v1/policies/" + id, cancellationToken);
        if (existing is { } policy && policy.GetProperty("text").GetString() == text)
        {
            return Strings(policy, "permittedDatacenters");
        }

        var answer = existing is null
            ? await _client.SendJsonAsync(HttpMethod.Post, "v1/policies", new JsonObject { ["id"] = id, ["text"] = text, ["comment"] = "keylessgeo demo" }, cancellationToken)
            : await _client.SendJsonAsync(HttpMethod.Put, "v1/policies/" + id, new JsonObject { ["text"] = text, ["comment"] = "keylessgeo demo: back to the starting text" }, cancellationToken);
        return Strings(answer.GetProperty("policy"), "permittedDatacenters");
    }

    /// <summary>Imports a key (or attaches it to <paramref name="policy"/> when a kept data directory has it already); returns what was done.</summary>
    public async Task<string> EnsureKeyAsync(string keyId, string policy, string privateKeyPem, string? certificatePem, CancellationToken cancellationToken)
    {
        var existing = await GetOrNullAsync("v1/keys/" + keyId, cancellationToken);
        if (existing is { } key)
        {
            if (key.GetProperty("policyId").GetString() == policy)
            {
                return "already imported (kept data directory)";
            }

            var attached = await _client.SendJsonAsync(HttpMethod.Put, $"v1/keys/{keyId}/policy", new JsonObject { ["policy"] = policy }, cancellationToken);
            return string.Create(CultureInfo.InvariantCulture, $"attached to {policy}, revision {attached.GetProperty("revision").GetInt64()}");
        }

        var body = new JsonObject { ["keyId"] = keyId, ["policy"] = policy, ["privateKey"] = privateKeyPem };
        if (certificatePem is not null)
        {
            body["certificate"] = certificatePem;
        }

        var imported = await _client.SendJsonAsync(HttpMethod.Post, "v1/keys", body, cancellationToken);
        return string.Create(CultureInfo.InvariantCulture, $"imported, revision {imported.GetProperty("revision").GetInt64()} (wrapped at once; the store never sees the plaintext)");
    }

    /// <summary>Changes a policy's text; returns the datacenters it no longer permits.</summary>
    public async Task<IReadOnlyList<string>> UpdatePolicyAsync(string id, string text, string comment, CancellationToken cancellationToken)
    {
        var answer = await _client.SendJsonAsync(HttpMethod.Put, "v1/policies/" + id, new JsonObject { ["text"] = text, ["comment"] = comment }, cancellationToken);
        return Strings(answer, "removed");
    }

    /// <summary>The control plane's own verification of the audit chain (<c>GET /v1/audit/verify</c>).</summary>
    public async Task<(bool Intact, string Summary)> VerifyAuditServerSideAsync(CancellationToken cancellationToken)
    {
        var answer = await _client.GetAsync("v1/audit/verify", cancellationToken);
        return (answer.GetProperty("intact").GetBoolean(), answer.GetProperty("summary").GetString() ?? "");
    }

    public void Dispose() => _client.Dispose();

    private static async Task DelayOrTimeoutAsync(CancellationToken timeout, CancellationToken cancellationToken, string message)
    {
        try
        {
            await Task.Delay(PollInterval, timeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DemoException(message);
        }
    }

    private static List<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var values) && values.ValueKind == JsonValueKind.Array
            ? [.. values.EnumerateArray().Select(v => v.GetString() ?? "")]
            : [];

    private async Task<JsonElement?> GetOrNullAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetAsync(path, cancellationToken);
        }
        catch (ControlPlaneApiException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
