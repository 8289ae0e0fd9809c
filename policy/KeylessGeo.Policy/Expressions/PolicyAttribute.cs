namespace KeylessGeo.Policy.Expressions;

/// <summary>
/// The datacenter attribute an <see cref="AttributeExpression"/> tests.
/// </summary>
public enum PolicyAttribute
{
    /// <summary><c>region: EU</c> — the datacenter's region code.</summary>
    Region,

    /// <summary><c>country: DE</c> — the datacenter's ISO 3166-1 alpha-2 country.</summary>
    Country,

    /// <summary><c>tier: high-security</c> — the datacenter's tier.</summary>
    Tier,

    /// <summary><c>dc: fra1</c> — the datacenter's id.</summary>
    Datacenter,

    /// <summary><c>label: pci</c> — one of the datacenter's labels.</summary>
    Label,
}
