using KeylessGeo.KeyServer.Crypto;

namespace KeylessGeo.KeyServer.Tests.Crypto;

public sealed class OpenSslRuntimeTests
{
    [Fact]
    public async Task Incompatibility_OnThisMachine_IsNone_AndMatchesTheOpenSslCommand()
    {
        var version = await KeylessGeo.Testing.ExternalProcess.RunAsync("openssl", ["version"]);

        Assert.StartsWith("OpenSSL 3.", version.EnsureSuccess("openssl version").StandardOutput, StringComparison.Ordinal);
        Assert.Null(OpenSslRuntime.Incompatibility());
    }
}
