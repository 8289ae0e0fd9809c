using System.Globalization;
using KeylessGeo.Cli.Demo.Processes;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Runs the main job: material, the cluster as separate processes, policies and keys through the
/// control plane, verified signatures through every edge agent for every key, a policy narrowed
/// while requests keep arriving, the audit chain verified, a summary; then, unless
/// <see cref="DemoSettings.Once"/>, the cluster stays up until Ctrl+C or SIGTERM. Every child
/// process is stopped and a temporary data directory removed however the run ends.
/// </summary>
public static class DemoRunner
{
    /// <summary>The exit code after an interruption before the steps finished (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>The longest Unix socket path (sun_path holds 108 bytes with its terminating zero).</summary>
    private const int MaxSocketPath = 107;

    /// <summary>Runs the demo; 0 when every step gave the expected outcome.</summary>
    public static async Task<int> RunAsync(DemoSettings settings, DemoConsole display, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(display);
        var root = settings.KeepDirectory is { } keep ? Directory.CreateDirectory(keep).FullName : Directory.CreateTempSubdirectory("keylessgeo-demo-").FullName;
        try
        {
            var material = DemoMaterial.OpenOrCreate(root, out var reused);
            await display.LineAsync($"data directory {root} ({(reused ? "material reused from an earlier run" : "new development CA, mTLS certificates and demo keys")}; " +
                (settings.KeepDirectory is null ? "removed at exit)" : "kept)"));
            if (settings.MaterialOnly)
            {
                return 0;
            }

            await using var cluster = await display.StepAsync("starting the control plane (embedded store)", () => DemoCluster.StartControlPlaneAsync(material, cancellationToken));
            await display.LineAsync($"started control-plane (pid {cluster.ControlPlane.Pid}): HTTP API on unix:{cluster.Api.SocketPath}, store {cluster.StoreDirectory}");
            var failures = await RunStepsAsync(cluster, material, display, cancellationToken);
            await display.LineAsync();
            await display.LineAsync(failures.Count == 0 ? "demo complete: every step gave the expected outcome" : $"{failures.Count} demo step(s) failed: {string.Join("; ", failures)}");
            if (!settings.Once)
            {
                await display.LineAsync($"the cluster keeps running; try: keylessgeo keyservers --control-plane unix:{cluster.Api.SocketPath}");
                await display.LineAsync("press Ctrl+C to stop it");
                await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }

            await display.LineAsync("stopping the cluster (edge hosts, edge agents, keyservers, control plane)");
            return failures.Count == 0 ? 0 : 1;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            await display.LineAsync("interrupted: stopping every process of the cluster");
            return Interrupted;
        }
        catch (DemoException ex)
        {
            await display.LineAsync("demo failed: " + ex.Message);
            return 1;
        }
        catch (Grpc.Core.RpcException ex)
        {
            await display.LineAsync($"demo failed: a request through an edge agent failed: {ex.StatusCode} ({ex.Status.Detail})");
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or ControlPlane.ControlPlaneApiException)
        {
            await display.LineAsync("demo failed: the control plane refused or did not answer: " + ex.Message);
            return 1;
        }
        finally
        {
            if (settings.KeepDirectory is null)
            {
                Directory.Delete(root, recursive: true);
            }

            await display.LineAsync(settings.KeepDirectory is null ? $"stopped; removed {root}" : $"stopped; kept {root} (run again with --keep {root} to reuse it)");
        }
    }

    private static async Task<List<string>> RunStepsAsync(DemoCluster cluster, DemoMaterial material, DemoConsole display, CancellationToken cancellationToken)
    {
        await display.StepAsync("setting the topology: fra1 (EU, DE), ams1 (EU, NL), sfo1 (NA, US), iad1 (NA, US)",
            () => cluster.Api.ReplaceTopologyAsync(DemoDatacenters.TopologyJson, cancellationToken));
        await display.StepAsync("starting a keyserver in each datacenter (Orleans cluster per region)", () => cluster.StartKeyserversAsync(cancellationToken));
        foreach (var keyserver in cluster.Keyservers)
        {
            await display.LineAsync(string.Create(CultureInfo.InvariantCulture,
                $"started {keyserver.Datacenter.KeyserverId} (pid {keyserver.Process.Pid}): gRPC https://127.0.0.1:{keyserver.GrpcPort}, Keyless 127.0.0.1:{keyserver.KeylessPort}, mutual TLS; region {keyserver.Datacenter.Region}"));
        }

        await display.StepAsync("waiting for each datacenter's wrapping key", () => cluster.Api.WaitForWrappingKeysAsync(
            [.. DemoDatacenters.All.Select(d => d.Id)], [.. cluster.Keyservers.Select(k => k.Process)], TimeSpan.FromSeconds(60), cancellationToken));

        // The agents (and the edge hosts in front of them) start while the policies and keys are
        // created: both take a few seconds. An engine still being built (scripts/demo.sh builds it
        // while the cluster starts) is waited for once the agents are up.
        var pending = DemoEngine.PendingBuild();
        var skipped = "";
        string? engine = null;
        if (pending is not null && File.Exists(pending))
        {
            // The build has ended already (it usually does while the CLI builds): no waiting.
            (var built, skipped) = await DemoEngine.WaitForBuildAsync(pending, cancellationToken);
            engine = EdgeHostsPossible(material, built, ref skipped);
            pending = null;
        }
        else if (pending is null)
        {
            var found = DemoEngine.Find(out skipped);
            engine = EdgeHostsPossible(material, found, ref skipped);
        }

        var socketFits = SocketFits(material, out var tooLong);
        cluster.StartAgents(withKeylessSocket: engine is not null || (pending is not null && socketFits));
        if (engine is not null)
        {
            cluster.StartEdgeHosts(engine);
        }

        var permitted = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        await display.StepAsync("creating the policies and importing the demo keys through the control plane", async () =>
        {
            foreach (var (id, text) in DemoDatacenters.Policies)
            {
                permitted[id] = await cluster.Api.EnsurePolicyAsync(id, text, cancellationToken);
            }

            foreach (var keyId in DemoMaterial.KeyIds)
            {
                await ImportAsync(cluster, material, keyId, display, cancellationToken);
            }
        });
        foreach (var (id, text) in DemoDatacenters.Policies)
        {
            await display.LineAsync($"policy {id} ({text}) permits {string.Join(", ", permitted[id])}");
        }

        await display.StepAsync("starting an edge agent in each datacenter", () => cluster.WaitForAgentsAsync(cancellationToken));
        foreach (var agent in cluster.Agents)
        {
            await display.LineAsync(string.Create(CultureInfo.InvariantCulture,
                $"started {agent.Datacenter.AgentId} (pid {agent.Process.Pid}): gRPC http://127.0.0.1:{agent.GrpcPort}, Keyless 127.0.0.1:{agent.KeylessPort}; node-local keyserver {agent.Datacenter.KeyserverId}"));
        }

        if (pending is not null)
        {
            var (built, why) = await display.StepAsync("waiting for the OpenSSL engine's build (NativeAOT, started by scripts/demo.sh)", () => DemoEngine.WaitForBuildAsync(pending, cancellationToken));
            engine = built is not null && socketFits ? built : null;
            skipped = built is null ? why : tooLong;
            if (engine is not null)
            {
                cluster.StartEdgeHosts(engine);
            }
        }

        if (engine is null)
        {
            await display.LineAsync("edge hosts skipped: " + skipped);
        }
        else
        {
            await display.StepAsync("starting an edge host (TLS terminator, keys through the OpenSSL engine) in front of each edge agent", () => cluster.WaitForEdgeHostsAsync(cancellationToken));
            foreach (var host in cluster.EdgeHosts)
            {
                await display.LineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"started {host.Datacenter.EdgeHostId} (pid {host.Process.Pid}): TLS 1.3/1.2 https://127.0.0.1:{host.TlsPort} for {string.Join(", ", DemoMaterial.CertifiedKeyIds.Select(DemoMaterial.ServerNameOf))}; engine {engine} → {host.Datacenter.AgentId}"));
            }
        }

        await display.LineAsync("pids: " + string.Join(' ', cluster.Processes.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={p.Pid}"))));
        return await DemoScenario.RunAsync(cluster, material, permitted, display, cancellationToken);
    }

    /// <summary>
    /// The engine the edge hosts load, or null (with the reason) when they cannot run here: the
    /// engine is not built, or the data directory's path is too long for the agents' Unix sockets.
    /// </summary>
    private static string? EdgeHostsPossible(DemoMaterial material, string? engine, ref string why)
    {
        if (engine is not null && !SocketFits(material, out var tooLong))
        {
            why = tooLong;
            return null;
        }

        return engine;
    }

    /// <summary>Whether the agents' Unix socket paths fit in a <c>sockaddr_un</c>; else why not.</summary>
    private static bool SocketFits(DemoMaterial material, out string why)
    {
        var socket = DemoAgentNode.SocketPath(material, DemoDatacenters.All[0]);
        why = $"the agents' Unix socket path {socket} is longer than {MaxSocketPath} bytes; use a shorter --keep directory";
        return System.Text.Encoding.UTF8.GetByteCount(socket) <= MaxSocketPath;
    }

    private static async Task ImportAsync(DemoCluster cluster, DemoMaterial material, string keyId, DemoConsole display, CancellationToken cancellationToken)
    {
        var certificate = Path.Combine(material.KeysDirectory, keyId + ".crt");
        // Throwaway demo keys: sent as read, over the owner-only Unix socket.
        var pem = await File.ReadAllTextAsync(Path.Combine(material.KeysDirectory, keyId + ".key"), cancellationToken);
        var policy = DemoDatacenters.PolicyOf(keyId);
        var outcome = await cluster.Api.EnsureKeyAsync(keyId, policy, pem, File.Exists(certificate) ? await File.ReadAllTextAsync(certificate, cancellationToken) : null, cancellationToken);
        await display.LineAsync($"key {keyId} under policy {policy}: {outcome}");
    }
}
