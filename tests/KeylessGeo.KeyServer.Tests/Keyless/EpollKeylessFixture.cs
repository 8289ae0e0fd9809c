using KeylessGeo.Serving.Keyless;

namespace KeylessGeo.KeyServer.Tests.Keyless;

/// <summary><see cref="KeylessFixture"/> with every keyserver on the epoll transport (<c>Keyless:Transport epoll</c>).</summary>
public sealed class EpollKeylessFixture : KeylessFixture
{
    public override string Transport => KeylessOptions.EpollTransport;
}
