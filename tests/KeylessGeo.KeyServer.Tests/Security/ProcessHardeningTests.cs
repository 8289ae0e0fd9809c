using KeylessGeo.KeyServer.Security;

namespace KeylessGeo.KeyServer.Tests.Security;

public sealed class ProcessHardeningTests
{
    [Fact]
    public void MakeNonDumpable_ClearsTheDumpableFlag()
    {
        Assert.True(ProcessHardening.MakeNonDumpable());

        Assert.False(ProcessHardening.IsDumpable());
    }
}
