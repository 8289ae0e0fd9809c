using System.Globalization;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// The demo's checks on a running cluster: the table of every key through every edge agent, the
/// table of TLS handshakes through every edge host (when they run), the narrowing of a policy, the
/// table again for the narrowed key, the audit chain, and the summary.
/// Returns what failed (empty when everything gave the expected outcome).
/// </summary>
public static class DemoScenario
{
    /// <summary>Runs the checks and prints the summary.</summary>
    public static async Task<List<string>> RunAsync(
        DemoCluster cluster, DemoMaterial material, Dictionary<string, IReadOnlyList<string>> permitted, DemoConsole display, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var traffic = new DemoTraffic(new DemoVerifier(material));
        var policyText = DemoDatacenters.Policies.ToDictionary(p => p.Id, p => p.Text, StringComparer.Ordinal);
        await display.LineAsync();
        var rows = await TableAsync(
            "handshake signatures through every edge agent (gRPC, as a TLS terminator asks), verified with each key's public key",
            DemoSignatureCheck.All, cluster.Agents, check => policyText[DemoDatacenters.PolicyOf(check.KeyId)], check => permitted[DemoDatacenters.PolicyOf(check.KeyId)],
            traffic, display, cancellationToken);
        var handshakes = cluster.EdgeHosts.Count == 0 ? [] : await HandshakeTableAsync(cluster, material, policyText, permitted, display, cancellationToken);

        // Narrow the RSA key's policy while requests for it keep entering in ams1.
        var rsa = DemoSignatureCheck.All.First(c => c.KeyId == "demo-rsa2048");
        var ams1 = cluster.Agents.First(a => a.Datacenter.Id == "ams1");
        await display.LineAsync();
        await display.LineAsync($"narrowing policy {DemoDatacenters.EuPolicyId} from '{DemoDatacenters.EuPolicy}' to '{DemoDatacenters.EuNotNlPolicy}' through the control plane while {ams1.Datacenter.AgentId} keeps asking for {rsa.KeyId}:");
        var narrowing = await DemoNarrowing.RunAsync(cluster.Api, traffic, ams1, rsa, DemoDatacenters.EuPolicyId, DemoDatacenters.EuNotNlPolicy, cancellationToken);
        await display.LineAsync(narrowing.Switched is { } switched
            ? string.Create(CultureInfo.InvariantCulture,
                $"  removed {string.Join(", ", narrowing.Removed)}; {switched.TotalMilliseconds:F0} ms after the call, ams1's requests were signed by {narrowing.NewSigner}; {narrowing.SignedInRemovedAfter} of the next {DemoNarrowing.RequestsAfter} signed in ams1 ({narrowing.Requests} requests)")
            : $"  ams1's requests were still signed in ams1 after 15 s ({narrowing.Requests} requests)");
        if (!narrowing.Passed)
        {
            failures.Add("the narrowed policy did not take effect");
        }

        var narrowedPermitted = permitted[DemoDatacenters.EuNotNlPolicyId];
        await display.LineAsync();
        var after = await TableAsync(
            $"{rsa.KeyId} after the narrowing", [rsa], cluster.Agents, _ => DemoDatacenters.EuNotNlPolicy, _ => narrowedPermitted, traffic, display, cancellationToken);
        rows.AddRange(after);
        if (after.FirstOrDefault(r => r.Entry == "ams1") is not { Path: DemoPath.InRegionHop })
        {
            failures.Add("after the narrowing, requests entering in ams1 were not signed in-region by fra1");
        }

        await display.LineAsync();
        var local = await ControlPlane.AuditChainCheck.VerifyAsync(cluster.Api.Client, cancellationToken);
        var (serverIntact, serverSummary) = await cluster.Api.VerifyAuditServerSideAsync(cancellationToken);
        await display.LineAsync($"audit log (recomputed here): {local.Summary}");
        await display.LineAsync($"audit log (control plane's own check): {serverSummary}");
        if (!local.Intact || !serverIntact)
        {
            failures.Add("the audit chain is broken");
        }

        await SummaryAsync(rows, narrowing, failures, display);
        await HandshakeSummaryAsync(cluster, handshakes, failures, display);
        return failures;
    }

    private static async Task<List<DemoHandshakeResult>> HandshakeTableAsync(
        DemoCluster cluster, DemoMaterial material, Dictionary<string, string> policyText, Dictionary<string, IReadOnlyList<string>> permitted, DemoConsole display, CancellationToken cancellationToken)
    {
        using var handshakes = new DemoHandshakes(material, new DemoSigningCounts(cluster.Keyservers));
        var cells = (from keyId in DemoMaterial.CertifiedKeyIds
                     from host in cluster.EdgeHosts
                     from version in DemoHandshakes.Versions
                     select (KeyId: keyId, Host: host, Version: version, Policy: policyText[DemoDatacenters.PolicyOf(keyId)])).ToList();
        await display.LineAsync();
        var results = await display.HandshakeTableAsync(
            $"TLS handshakes through every edge host ({DemoHandshakes.TimedHandshakes} per row; client: .NET SslStream trusting only the demo CA, no session resumption; " +
            "the key operation goes engine → edge agent → keyserver; 'signed by' from the keyservers' operation counters)",
            [.. cells.Select(c => new[] { DemoMaterial.ServerNameOf(c.KeyId), c.KeyId, c.Policy, c.Host.Datacenter.Id, c.Version.Text })],
            index => handshakes.RowAsync(cells[index].Host, cells[index].KeyId, cells[index].Policy, permitted[DemoDatacenters.PolicyOf(cells[index].KeyId)], cells[index].Version, cancellationToken));
        return [.. results];
    }

    private static async Task HandshakeSummaryAsync(DemoCluster cluster, List<DemoHandshakeResult> rows, List<string> failures, DemoConsole display)
    {
        if (cluster.EdgeHosts.Count == 0)
        {
            return;
        }

        foreach (var row in rows.Where(r => !r.Passed))
        {
            failures.Add($"{row.ServerName} through {DemoDatacenters.All.First(d => d.Id == row.Entry).EdgeHostId} over {row.Version}: {row.VerifiedText}");
        }

        var latencies = rows.Where(r => r.Handshakes > 0).Select(r => r.Latency.TotalMilliseconds).Order().ToList();
        var perVersion = string.Join(", ", DemoHandshakes.Versions.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Text} {rows.Where(r => r.Version == v.Text).Sum(r => r.Handshakes)}")));
        var latency = latencies.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"; median handshake per row {latencies[0]:F1}–{latencies[^1]:F1} ms") : "";
        await display.LineAsync(string.Create(CultureInfo.InvariantCulture,
            $"edge hosts: {rows.Count} rows, {rows.Sum(r => r.Handshakes)} timed TLS handshakes ({perVersion}), {rows.Sum(r => r.Verified)} verified, {rows.Sum(r => r.Signatures)} key operations counted at keyservers, {rows.Sum(r => r.OutsidePolicy)} outside their policy{latency}"));
    }

    private static async Task<List<DemoResult>> TableAsync(
        string title, IReadOnlyList<DemoSignatureCheck> checks, IReadOnlyList<DemoAgentNode> agents, Func<DemoSignatureCheck, string> policy,
        Func<DemoSignatureCheck, IReadOnlyList<string>> permitted, DemoTraffic traffic, DemoConsole display, CancellationToken cancellationToken)
    {
        var cells = checks.SelectMany(check => agents.Select(agent => (Check: check, Agent: agent))).ToList();
        var results = await display.TableAsync(title, [.. cells.Select(c => (c.Check.KeyId, policy(c.Check), c.Agent.Datacenter.Id))],
            index => traffic.RowAsync(cells[index].Agent, cells[index].Check, policy(cells[index].Check), permitted(cells[index].Check), cancellationToken));
        return [.. results];
    }

    private static async Task SummaryAsync(List<DemoResult> rows, DemoNarrowing.Result narrowing, List<string> failures, DemoConsole display)
    {
        var failed = rows.Where(r => !r.Passed).ToList();
        foreach (var row in failed)
        {
            failures.Add($"{row.KeyId} entering at {row.Entry}: {row.VerifiedText}");
        }

        var paths = Enum.GetValues<DemoPath>().ToDictionary(p => p, p => rows.Count(r => r.Path == p));
        foreach (var missing in paths.Where(p => p.Value == 0))
        {
            failures.Add($"no request took the {missing.Key} path");
        }

        var requests = rows.Sum(r => r.Requests) + narrowing.Requests;
        await display.LineAsync();
        await display.LineAsync(string.Create(CultureInfo.InvariantCulture,
            $"summary: {rows.Count} rows, {rows.Sum(r => r.Requests)} timed requests ({requests} with the narrowing), {rows.Sum(r => r.Verified)} signatures verified, " +
            $"{rows.Sum(r => r.OutsidePolicy) + narrowing.SignedInRemovedAfter} signed outside their policy; paths: local {paths[DemoPath.Local]}, in-region hop {paths[DemoPath.InRegionHop]}, cross-region {paths[DemoPath.CrossRegion]} rows"));
        foreach (var path in Enum.GetValues<DemoPath>())
        {
            var latencies = rows.Where(r => r.Path == path).Select(r => r.Latency.TotalMilliseconds).Order().ToList();
            if (latencies.Count > 0)
            {
                await display.LineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {rows.First(r => r.Path == path).PathText,-13}: median latency per row {latencies[0]:F1}–{latencies[^1]:F1} ms through the edge agent"));
            }
        }
    }
}
