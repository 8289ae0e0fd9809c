using KeylessGeo.Serving.Keyless;

namespace KeylessGeo.KeyServer.Tests.Connections;

/// <summary>Issue 8's attack on the Keyless port again, with the port on the epoll transport (descriptor budget, per-client limit, idle closes, EMFILE).</summary>
public sealed class EpollKeylessConnectionLimitsProcessTests : KeylessConnectionLimitsProcessTests
{
    protected override Dictionary<string, string> Settings(Dictionary<string, string> settings)
    {
        settings["Keyless:Transport"] = KeylessOptions.EpollTransport;
        return settings;
    }
}
