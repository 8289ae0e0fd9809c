using KeylessGeo.Transport.Channels;

namespace KeylessGeo.Transport.Tests.Channels;

public sealed class GrpcChannelFactoryTests
{
    [Fact]
    public void GetChannel_ForTheSameSettings_ReturnsTheSameChannel()
    {
        using var factory = new GrpcChannelFactory();
        var settings = new ChannelSettings { Address = "https://keyserver.example:7443" };

        var first = factory.GetChannel(settings);
        var again = factory.GetChannel(settings with { });
        var other = factory.GetChannel(settings with { Address = "https://other.example:7443" });

        Assert.Same(first, again);
        Assert.NotSame(first, other);
        Assert.Equal("keyserver.example", first.Target.Split(':')[0]);
    }

    [Fact]
    public void GetChannel_AfterDispose_Throws()
    {
        var factory = new GrpcChannelFactory();
        factory.Dispose();

        Assert.Throws<ObjectDisposedException>(() => factory.GetChannel(new ChannelSettings { Address = "https://keyserver.example:7443" }));
    }

    [Fact]
    public void Create_WithInvalidSettings_SaysWhatIsWrong()
    {
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() =>
            GrpcChannelFactory.Create(new ChannelSettings { Address = "https://k.example:1", MaxReceiveMessageSize = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("plaintext", Assert.Throws<ArgumentException>(() =>
            GrpcChannelFactory.Create(new ChannelSettings { Address = "http://127.0.0.1:1" })).Message, StringComparison.Ordinal);
    }
}
