using KeylessGeo.KeyServer.Security;

namespace KeylessGeo.KeyServer.Tests.Security;

public sealed class ProcessHardeningTests
{
    [Fact]
    public void MakeNonDumpable_ClearsTheDumpableFlag()
    {
        try
        {
            Assert.True(ProcessHardening.MakeNonDumpable());

            Assert.False(ProcessHardening.IsDumpable());
        }
        finally
        {
            // Keep the test host debuggable (hang dumps) for the tests that follow.
            ProcessHardening.SetDumpable(true);
        }
    }
}
