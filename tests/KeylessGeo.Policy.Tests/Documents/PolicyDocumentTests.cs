using KeylessGeo.Policy.Documents;
using KeylessGeo.Policy.Language;

namespace KeylessGeo.Policy.Tests.Documents;

public sealed class PolicyDocumentTests
{
    private static readonly PolicyDocument Version1 = new()
    {
        Id = "key-42",
        Version = 1,
        Expression = PolicyParser.Parse("(region: EU) and (not country: FR)"),
        CreatedAt = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero),
        Author = "alice",
        Comment = "EU only, never France",
    };

    [Fact]
    public void Text_IsTheCanonicalForm() =>
        Assert.Equal("region: EU and not country: FR", Version1.Text);

    [Fact]
    public void NextVersion_IsANewValue_AndTheOldOneIsUnchanged()
    {
        var version2 = Version1 with { Version = 2, Expression = PolicyParser.Parse("region: EU"), Comment = "France allowed" };

        Assert.NotEqual(Version1, version2);
        Assert.Equal(1, Version1.Version);
        Assert.Equal(Version1, Version1 with { Expression = PolicyJson.Parse("""{"and":[{"region":"EU"},{"not":{"country":"FR"}}]}""") });
    }
}
