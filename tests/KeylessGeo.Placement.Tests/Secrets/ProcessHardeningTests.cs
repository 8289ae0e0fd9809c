using KeylessGeo.Placement.Secrets;

namespace KeylessGeo.Placement.Tests.Secrets;

public sealed class ProcessHardeningTests
{
    [Fact]
    public void MakeNonDumpable_ClearsTheDumpableFlag_AndTheCoreFileLimit()
    {
        try
        {
            Assert.True(ProcessHardening.MakeNonDumpable());

            Assert.False(ProcessHardening.IsDumpable());
            Assert.Equal(0, ProcessHardening.DumpableFlag());
            Assert.Equal(0UL, ProcessHardening.CoreFileSizeLimit());
        }
        finally
        {
            // Keep the test host debuggable (hang dumps) for the tests that follow.
            ProcessHardening.SetDumpable(true);
        }

        Assert.True(ProcessHardening.IsDumpable());
    }
}
