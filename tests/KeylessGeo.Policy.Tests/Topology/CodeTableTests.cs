using KeylessGeo.Policy.Topology;

namespace KeylessGeo.Policy.Tests.Topology;

public sealed class CodeTableTests
{
    [Fact]
    public void CountryCodes_HoldsExactlyTheAssignedCodes()
    {
        Assert.Equal(249, CountryCodes.Assigned.Count);
        Assert.All(["DE", "FR", "GB", "US", "JP", "AQ", "SS", "BQ", "CW", "SX", "ZW"], c => Assert.True(CountryCodes.IsAssigned(c), c));
        Assert.All(["UK", "EU", "XK", "de", "ZZ", "AN", ""], c => Assert.False(CountryCodes.IsAssigned(c), c));
    }

    [Fact]
    public void RegionCodes_AreTheDocumentedSet()
    {
        Assert.Equal(["AF", "APAC", "EU", "ME", "NA", "OC", "SA"], RegionCodes.Ordered);
        Assert.False(RegionCodes.IsKnown("eu"));
    }

    [Theory]
    [InlineData("fra1", true)]
    [InlineData("a", true)]
    [InlineData("1-2", true)]
    [InlineData("", false)]
    [InlineData("Fra1", false)]
    [InlineData("fra_1", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("none", false)]
    public void IsDatacenterId_FollowsTheSyntax(string id, bool expected) =>
        Assert.Equal(expected, NameSyntax.IsDatacenterId(id));

    [Theory]
    [InlineData("high-security", true)]
    [InlineData("pci", true)]
    [InlineData("1pci", false)]
    [InlineData("PCI", false)]
    [InlineData("pci dss", false)]
    [InlineData("or", false)]
    public void IsIdentifier_FollowsTheSyntax(string value, bool expected) =>
        Assert.Equal(expected, NameSyntax.IsIdentifier(value));
}
