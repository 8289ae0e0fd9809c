using KeylessGeo.ControlPlane.Store.Embedded;

namespace KeylessGeo.ControlPlane.Store.Tests.Embedded;

/// <summary>Embedded store options for tests: a short poll so cross-instance waits finish promptly.</summary>
public static class EmbeddedTestOptions
{
    public static EmbeddedStoreOptions For(string directory) => new()
    {
        DataDirectory = directory,
        PollInterval = TimeSpan.FromMilliseconds(50),
        LockTimeout = TimeSpan.FromSeconds(10),
    };
}
