using KeylessGeo.Transport.Channels;

namespace KeylessGeo.Transport.Tests.Channels;

public sealed class ChannelAddressTests
{
    [Theory]
    [InlineData("https://keyserver.example:7443", "https://keyserver.example:7443/", null)]
    [InlineData("unix:/run/keylessgeo/ks.sock", "http://localhost/", "/run/keylessgeo/ks.sock")]
    [InlineData("unix:///run/keylessgeo/ks.sock", "http://localhost/", "/run/keylessgeo/ks.sock")]
    public void Parse_AcceptsTlsAndUnixSocketAddresses(string address, string http, string? socket)
    {
        var parsed = ChannelAddress.Parse(address, allowInsecure: false);

        Assert.Equal(new Uri(http), parsed.HttpAddress);
        Assert.Equal(socket, parsed.UnixSocketPath);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://[::1]:5000")]
    [InlineData("http://localhost:5000")]
    public void Parse_PlaintextToLoopback_NeedsAllowInsecure(string address)
    {
        Assert.Throws<ArgumentException>(() => ChannelAddress.Parse(address, allowInsecure: false));
        Assert.False(ChannelAddress.Parse(address, allowInsecure: true).IsTls);
    }

    [Theory]
    [InlineData("http://10.1.2.3:5000", "only to a loopback host")]
    [InlineData("ftp://127.0.0.1:5000", "must use https")]
    [InlineData("https://keyserver.example:7443/v1", "without a path")]
    [InlineData("keyserver:7443", "must be https://host:port")]
    [InlineData("unix:relative.sock", "absolute socket path")]
    public void Parse_RefusesUnsafeOrMalformedAddresses_SayingWhy(string address, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => ChannelAddress.Parse(address, allowInsecure: true));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
