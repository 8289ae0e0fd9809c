namespace KeylessGeo.Cli.Demo;

/// <summary>The demo cluster's topology, keyservers, edge agents, policies and keys.</summary>
public static class DemoDatacenters
{
    /// <summary>Four datacenters in two regions.</summary>
    public const string TopologyJson = """
        {
          "datacenters": [
            { "id": "fra1", "region": "EU", "country": "DE", "tier": "high-security", "labels": ["pci"] },
            { "id": "ams1", "region": "EU", "country": "NL", "tier": "standard" },
            { "id": "sfo1", "region": "NA", "country": "US", "tier": "standard" },
            { "id": "iad1", "region": "NA", "country": "US", "tier": "high-security" }
          ]
        }
        """;

    /// <summary>The datacenters with their regions, in display order.</summary>
    public static IReadOnlyList<DemoDatacenter> All { get; } =
    [
        new("fra1", "EU"),
        new("ams1", "EU"),
        new("sfo1", "NA"),
        new("iad1", "NA"),
    ];

    /// <summary>The policy the RSA key is imported under, and the one the demo narrows.</summary>
    public const string EuPolicyId = "eu-only";

    /// <summary>Its text: every EU datacenter.</summary>
    public const string EuPolicy = "region: EU";

    /// <summary>The policy the ECDSA key is imported under.</summary>
    public const string EuNotNlPolicyId = "eu-not-nl";

    /// <summary>Its text, and the text <see cref="EuPolicyId"/> is narrowed to: the EU without the Netherlands.</summary>
    public const string EuNotNlPolicy = "region: EU and not country: NL";

    /// <summary>The policy the Ed25519 key is imported under.</summary>
    public const string GlobalPolicyId = "global";

    /// <summary>Its text: every datacenter.</summary>
    public const string GlobalPolicy = "all";

    /// <summary>The policies the demo creates: (id, text).</summary>
    public static IReadOnlyList<(string Id, string Text)> Policies { get; } =
    [
        (EuPolicyId, EuPolicy),
        (EuNotNlPolicyId, EuNotNlPolicy),
        (GlobalPolicyId, GlobalPolicy),
    ];

    /// <summary>The policy each demo key is imported under.</summary>
    public static string PolicyOf(string keyId) => keyId switch
    {
        "demo-rsa2048" => EuPolicyId,
        "demo-ecdsa-p256" => EuNotNlPolicyId,
        _ => GlobalPolicyId,
    };

    /// <summary>The region of <paramref name="datacenter"/>.</summary>
    public static string RegionOf(string datacenter) =>
        All.FirstOrDefault(d => d.Id == datacenter)?.Region ?? throw new DemoException($"datacenter '{datacenter}' is not in the demo topology");
}
