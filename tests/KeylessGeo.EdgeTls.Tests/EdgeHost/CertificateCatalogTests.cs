using System.Net.Security;
using KeylessGeo.EdgeHost.Certificates;
using KeylessGeo.EdgeHost.Configuration;
using Xunit;

namespace KeylessGeo.EdgeTls.Tests.EdgeHost;

/// <summary>Choosing the certificate by server name.</summary>
public sealed class CertificateCatalogTests
{
    private static readonly ServedCertificate Apex = Served("apex");
    private static readonly ServedCertificate Wildcard = Served("wildcard");
    private static readonly ServedCertificate Shop = Served("shop");
    private readonly CertificateCatalog _catalog = new(
    [
        (new CertificateOptions { Hosts = ["example.com", "www.example.com"] }, Apex),
        (new CertificateOptions { Hosts = ["*.example.com"] }, Wildcard),
        (new CertificateOptions { Hosts = ["shop.example.com"] }, Shop),
    ]);

    [Theory]
    [InlineData("example.com", "apex")]
    [InlineData("WWW.Example.COM", "apex")]
    [InlineData("www.example.com.", "apex")]
    [InlineData("shop.example.com", "shop")]
    [InlineData("api.example.com", "wildcard")]
    [InlineData("a.b.example.com", "apex")]
    [InlineData("other.test", "apex")]
    [InlineData("", "apex")]
    [InlineData(null, "apex")]
    public void ServerName_PicksExactThenWildcardThenTheFirstCertificate(string? name, string expected) =>
        Assert.Equal(expected, _catalog.Select(name).Subject);

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("*.example.com", true)]
    [InlineData("*", false)]
    [InlineData("*.*.example.com", false)]
    [InlineData("a.*.example.com", false)]
    [InlineData("exa mple.com", false)]
    [InlineData("", false)]
    public void HostPatterns_AreExactNamesOrOneLabelWildcards(string pattern, bool valid) =>
        Assert.Equal(valid, ServerNames.IsValidPattern(pattern));

    private static ServedCertificate Served(string name) => new(name, Keyless: true, new SslServerAuthenticationOptions());
}
