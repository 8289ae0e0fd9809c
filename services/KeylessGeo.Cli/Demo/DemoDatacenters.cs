namespace KeylessGeo.Cli.Demo;

/// <summary>The demo cluster's topology, keyservers and policies.</summary>
public static class DemoDatacenters
{
    /// <summary>Three datacenters in two regions.</summary>
    public const string TopologyJson = """
        {
          "datacenters": [
            { "id": "fra1", "region": "EU", "country": "DE", "tier": "high-security", "labels": ["pci"] },
            { "id": "ams1", "region": "EU", "country": "NL", "tier": "standard" },
            { "id": "sfo1", "region": "NA", "country": "US", "tier": "standard" }
          ]
        }
        """;

    /// <summary>One keyserver per datacenter: (keyserver id, datacenter id).</summary>
    public static IReadOnlyList<(string Id, string Datacenter)> Keyservers { get; } =
    [
        ("ks-fra1-1", "fra1"),
        ("ks-ams1-1", "ams1"),
        ("ks-sfo1-1", "sfo1"),
    ];

    /// <summary>The policy the RSA and ECDSA demo keys are imported under.</summary>
    public const string EuPolicyId = "eu-only";

    /// <summary>Its text: every EU datacenter.</summary>
    public const string EuPolicy = "region: EU";

    /// <summary>The narrowed text the demo switches to: the EU without the Netherlands.</summary>
    public const string EuPolicyNarrowed = "region: EU and not country: NL";

    /// <summary>The policy the Ed25519 demo key is imported under.</summary>
    public const string GlobalPolicyId = "global";

    /// <summary>Its text: every datacenter.</summary>
    public const string GlobalPolicy = "all";

    /// <summary>The policy each demo key is imported under.</summary>
    public static string PolicyOf(string keyId) => keyId == "demo-ed25519" ? GlobalPolicyId : EuPolicyId;
}
