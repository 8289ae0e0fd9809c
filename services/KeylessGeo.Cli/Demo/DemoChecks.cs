using System.Security.Cryptography;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Client;
using KeylessGeo.Keyless.Identifiers;
using KeylessGeo.Keyless.Protocol;
using KeylessGeo.Transport.Tls;

namespace KeylessGeo.Cli.Demo;

/// <summary>The demo's steps that check an outcome and print one line each.</summary>
public static class DemoChecks
{
    /// <summary>Waits until every demo datacenter has registered its wrapping key.</summary>
    public static async Task WaitForWrappingKeysAsync(DemoCluster cluster, TimeSpan patience, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        var store = cluster.Services.Store;
        while (true)
        {
            var snapshot = await store.ReadSnapshotAsync(timeout.Token);
            if (DemoDatacenters.Keyservers.All(k => snapshot.FindWrappingKey(k.Datacenter) is not null))
            {
                return;
            }

            await store.WaitForChangeAsync(snapshot.Revision, timeout.Token);
        }
    }

    /// <summary>Signs on one keyserver and checks the outcome the policy calls for.</summary>
    public static async Task<bool> SignAndVerifyAsync(
        DemoKeyserver keyserver, DemoSignatureCheck check, DemoMaterial material, IReadOnlyCollection<string> permitted, TimeSpan patience, TextWriter output,
        CancellationToken cancellationToken)
    {
        var response = await DemoSigner.SignSettledAsync(keyserver, check, patience, cancellationToken);
        var where = $"{check.KeyId,-16} asked at {keyserver.Id} ({keyserver.Datacenter})";
        if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Result)
        {
            await output.WriteLineAsync($"{where}: {response.Error.Code} ({response.Error.Message}) => UNEXPECTED");
            return false;
        }

        var signature = response.Result.ToByteArray();
        var verified = await VerifyAsync(check, material, signature, cancellationToken);
        var signer = response.ServedBy;
        var inPolicy = permitted.Contains(signer.Datacenter);
        var path = signer.KeyserverId == keyserver.Id ? "signed here" : $"signed by {signer.KeyserverId} ({signer.Datacenter})";
        await output.WriteLineAsync(
            $"{where}: {path}, {signature.Length,3}-byte signature {Convert.ToHexStringLower(signature)[..16]}… => " +
            (inPolicy ? (verified ? "VERIFIED" : "NOT VERIFIED") : "UNEXPECTED: signed outside its policy"));
        return inPolicy && verified;
    }

    /// <summary>One ECDSA signature over the Keyless protocol (what gokeyless clients speak), by SKI.</summary>
    public static async Task<bool> KeylessProtocolAsync(DemoKeyserver keyserver, DemoMaterial material, TextWriter output, CancellationToken cancellationToken)
    {
        var check = DemoSignatureCheck.All.First(c => c.KeyId == "demo-ecdsa-p256");
        var identity = KeyIdentifiers.FromFile(Path.Combine(material.KeysDirectory, check.KeyId + ".crt"));
        await using var client = new KeylessClient(new KeylessClientOptions
        {
            Host = "127.0.0.1",
            Port = keyserver.Keyless.Port,
            ServerName = "localhost",
            ClientCertificate = MutualTls.LoadPem(material.Tls("client.crt"), material.Tls("client.key")),
            TrustedCa = MutualTls.LoadPemBundle(material.Tls("ca.crt")),
            RequestTimeout = TimeSpan.FromSeconds(5),
        });
        var result = await client.SignAsync(
            new KeylessOperationRequest { Opcode = KeylessOpcode.EcdsaSignSha256, Payload = check.Payload, Ski = identity.Ski },
            TimeSpan.FromSeconds(5),
            cancellationToken);
        var verified = result.IsSuccess && await VerifyAsync(check, material, result.Value.ToArray(), cancellationToken);
        await output.WriteLineAsync(
            $"{check.KeyId,-16} on {keyserver.Id} over the Keyless protocol (by SKI {Convert.ToHexStringLower(identity.Ski)[..12]}…): " +
            (result.IsSuccess ? (verified ? "VERIFIED" : "NOT VERIFIED") : $"{result.Code} ({result.Message})"));
        return verified;
    }

    /// <summary>Narrows the EU policy to exclude ams1 and reports how fast ams1 stopped signing the key itself.</summary>
    public static async Task<bool> EvictionAsync(DemoCluster cluster, TextWriter output, CancellationToken cancellationToken)
    {
        var ams1 = cluster.Keyservers.First(k => k.Datacenter == "ams1");
        var check = DemoSignatureCheck.All.First(c => c.KeyId == "demo-ecdsa-p256");
        await output.WriteLineAsync();
        await output.WriteLineAsync($"narrowing policy {DemoDatacenters.EuPolicyId} to '{DemoDatacenters.EuPolicyNarrowed}' while {ams1.Id} keeps signing {check.KeyId}:");
        var result = await DemoEviction.NarrowAndMeasureAsync(cluster, ams1, check, cancellationToken);
        await output.WriteLineAsync(
            $"  last signature made in ams1 {Describe(result.LastSignedHere)} after the call; from {Describe(result.FirstSignedElsewhere)} after it, " +
            $"ams1's requests were signed by {result.NewSigner ?? "nobody"} through the key's grain ({result.Signatures} requests; target: under 1 s on the embedded store)");
        return result.FirstSignedElsewhere is not null && result.SignedOutsidePolicy == 0;
    }

    /// <summary>Verifies the audit chain of everything the demo changed.</summary>
    public static async Task<bool> AuditAsync(DemoCluster cluster, TextWriter output, CancellationToken cancellationToken)
    {
        var verification = await cluster.Services.Audit.VerifyAsync(cancellationToken);
        await output.WriteLineAsync();
        await output.WriteLineAsync($"audit log: {verification.Summary}");
        return verification.Intact;
    }

    private static async Task<bool> VerifyAsync(DemoSignatureCheck check, DemoMaterial material, byte[] signature, CancellationToken cancellationToken)
    {
        var inProcess = check.VerifyInProcess(material.KeysDirectory, signature);
        bool? openssl = OpenSslVerifier.IsAvailable
            ? await OpenSslVerifier.VerifyAsync(check, material.KeysDirectory, signature, cancellationToken)
            : null;
        return inProcess != false && openssl != false && (inProcess ?? openssl) == true;
    }

    private static string Describe(TimeSpan? time) => time is { } t ? $"{t.TotalMilliseconds:F0} ms" : "never";
}
