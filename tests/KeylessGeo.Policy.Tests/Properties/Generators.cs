using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Tests.Properties;

/// <summary>
/// Generators for topologies and expressions over small value pools, so that random atoms
/// often match random datacenters (and sometimes name values no datacenter has).
/// </summary>
internal static class Generators
{
    private static readonly string[] Regions = ["EU", "NA", "SA", "APAC", "OC"];
    private static readonly string[] Countries = ["DE", "FR", "NL", "US", "CA", "BR", "JP", "AU"];
    private static readonly string[] Tiers = ["standard", "high-security", "edge"];
    private static readonly string[] Labels = ["pci", "fips", "gpu"];
    private static readonly string[] Ids = ["dc0", "dc1", "dc2", "dc3", "dc4", "dc5", "x0", "x1"];

    public static Gen<Datacenter> Datacenter(string id) =>
        from region in Gen.Elements(Regions)
        from country in Gen.Elements(Countries)
        from tier in Gen.Elements(Tiers)
        from labels in Gen.SubListOf(Labels)
        select new Datacenter
        {
            Id = id,
            Region = region,
            Country = country,
            Tier = tier,
            Labels = labels.ToImmutableSortedSet(StringComparer.Ordinal),
        };

    /// <summary>0–6 datacenters with ids <c>prefix0</c>, <c>prefix1</c>, ...</summary>
    public static Gen<ImmutableArray<Datacenter>> Datacenters(string prefix) =>
        from count in Gen.Choose(0, 6)
        from dcs in Gen.CollectToArray(Enumerable.Range(0, count).Select(i => Datacenter($"{prefix}{i}")))
        select dcs.ToImmutableArray();

    public static Gen<DatacenterTopology> Topology =>
        Datacenters("dc").Select(dcs => DatacenterTopology.Create(dcs));

    public static Gen<PolicyExpression> Atom =>
        Gen.Frequency(
            (2, Gen.Elements(Regions).Select(v => (PolicyExpression)new AttributeExpression(PolicyAttribute.Region, v))),
            (2, Gen.Elements(Countries).Select(v => (PolicyExpression)new AttributeExpression(PolicyAttribute.Country, v))),
            (2, Gen.Elements(Tiers).Select(v => (PolicyExpression)new AttributeExpression(PolicyAttribute.Tier, v))),
            (2, Gen.Elements(Ids).Select(v => (PolicyExpression)new AttributeExpression(PolicyAttribute.Datacenter, v))),
            (2, Gen.Elements(Labels).Select(v => (PolicyExpression)new AttributeExpression(PolicyAttribute.Label, v))),
            (1, Gen.Elements<PolicyExpression>(ConstantExpression.All, ConstantExpression.None)));

    /// <summary>Expressions of depth at most <paramref name="depth"/>.</summary>
    public static Gen<PolicyExpression> Expression(int depth)
    {
        if (depth <= 0)
        {
            return Atom;
        }

        var sub = Expression(depth - 1);
        return Gen.Frequency(
            (3, Atom),
            (1, sub.Select(e => (PolicyExpression)new NotExpression(e))),
            (2, Gen.Zip(sub, sub, (l, r) => (PolicyExpression)new AndExpression(l, r))),
            (2, Gen.Zip(sub, sub, (l, r) => (PolicyExpression)new OrExpression(l, r))));
    }

    /// <summary>Expressions whose depth grows with the test size, capped at 5.</summary>
    public static Gen<PolicyExpression> Expressions => Gen.Sized(size => Expression(Math.Min(5, 1 + (size / 20))));
}
