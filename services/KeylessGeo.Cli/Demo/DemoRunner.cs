using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Keys;
using KeylessGeo.ControlPlane.Policies;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Runs the demo: material, a local multi-region cluster on the embedded store (control plane
/// and one keyserver in each of three datacenters), policies, key import, signatures verified
/// without the keyservers and always made in a datacenter the key's policy permits (a request
/// entering elsewhere is forwarded), the Keyless protocol, a measured narrowing of a policy, and
/// the audit chain verified.
/// </summary>
public static class DemoRunner
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>Runs the demo; returns 0 when every step gave the expected outcome.</summary>
    public static async Task<int> RunAsync(DemoSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        var root = settings.KeepDirectory ?? Directory.CreateTempSubdirectory("keylessgeo-demo-").FullName;
        try
        {
            var material = DemoMaterial.Create(root);
            await output.WriteLineAsync($"demo CA, certificates and keys written to {root}");
            if (settings.MaterialOnly)
            {
                return 0;
            }

            await using var cluster = await DemoCluster.StartAsync(material, cancellationToken);
            await DescribeAsync(cluster, output);
            await ImportAsync(cluster, material, output, cancellationToken);

            var failures = 0;
            await output.WriteLineAsync();
            await output.WriteLineAsync("signatures over gRPC with mutual TLS, asked at every keyserver, verified without the keyservers");
            await output.WriteLineAsync("(an EU-only key asked for in sfo1 is forwarded to a keyserver of region EU, which signs it):");
            foreach (var check in DemoSignatureCheck.All)
            {
                foreach (var keyserver in cluster.Keyservers)
                {
                    IReadOnlyCollection<string> permitted = DemoDatacenters.PolicyOf(check.KeyId) == DemoDatacenters.GlobalPolicyId
                        ? ["fra1", "ams1", "sfo1"]
                        : ["fra1", "ams1"];
                    failures += await DemoChecks.SignAndVerifyAsync(keyserver, check, material, permitted, Patience, output, cancellationToken) ? 0 : 1;
                }
            }

            failures += await DemoChecks.KeylessProtocolAsync(cluster.Keyservers[0], material, output, cancellationToken) ? 0 : 1;
            failures += await DemoChecks.EvictionAsync(cluster, output, cancellationToken) ? 0 : 1;
            failures += await DemoChecks.AuditAsync(cluster, output, cancellationToken) ? 0 : 1;

            if (settings.Serve)
            {
                await output.WriteLineAsync("serving; press Ctrl+C to stop");
                await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }

            await output.WriteLineAsync();
            await output.WriteLineAsync(failures == 0 ? "demo complete: every step gave the expected outcome" : $"{failures} demo step(s) failed");
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            if (settings.KeepDirectory is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task DescribeAsync(DemoCluster cluster, TextWriter output)
    {
        await output.WriteLineAsync($"control plane on {cluster.ControlPlaneAddress} (HTTP API), embedded store in {cluster.StoreDirectory}");
        foreach (var keyserver in cluster.Keyservers)
        {
            await output.WriteLineAsync(
                $"keyserver {keyserver.Id} in {keyserver.Datacenter}: gRPC https://127.0.0.1:{keyserver.GrpcPort}, Keyless protocol {keyserver.Keyless}, mutual TLS required");
        }
    }

    private static async Task ImportAsync(DemoCluster cluster, DemoMaterial material, TextWriter output, CancellationToken cancellationToken)
    {
        await DemoChecks.WaitForWrappingKeysAsync(cluster, Patience, cancellationToken);
        await output.WriteLineAsync("each keyserver generated its datacenter's wrapping key and registered the public half");
        foreach (var (id, text) in new[] { (DemoDatacenters.EuPolicyId, DemoDatacenters.EuPolicy), (DemoDatacenters.GlobalPolicyId, DemoDatacenters.GlobalPolicy) })
        {
            var change = await cluster.Services.Policies.CreateAsync(DemoCluster.Operator, new PolicyRequest { Id = id, Policy = PolicyInput.FromText(text) }, cancellationToken);
            await output.WriteLineAsync($"policy {id} ({text}) permits {string.Join(", ", change.Policy.PermittedDatacenters)}; its key is wrapped to each of them");
        }

        foreach (var keyId in DemoMaterial.KeyIds)
        {
            var certificate = Path.Combine(material.KeysDirectory, keyId + ".crt");
            using var pem = KeyMaterial.FromPem(File.ReadAllText(Path.Combine(material.KeysDirectory, keyId + ".key")));
            var imported = await cluster.Services.Keys.ImportAsync(DemoCluster.Operator, new ImportKeyRequest
            {
                KeyId = keyId,
                PolicyId = DemoDatacenters.PolicyOf(keyId),
                PrivateKey = pem,
                CertificatePem = File.Exists(certificate) ? File.ReadAllText(certificate) : null,
            }, cancellationToken);
            await output.WriteLineAsync($"imported {keyId} under policy {DemoDatacenters.PolicyOf(keyId)} (wrapped at once; the store never sees the plaintext), revision {imported.Revision}");
        }
    }
}
