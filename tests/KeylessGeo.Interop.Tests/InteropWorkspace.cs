using KeylessGeo.Testing;

namespace KeylessGeo.Interop.Tests;

/// <summary>A temporary folder with generated Python stubs and the test certificates as PEM files.</summary>
internal sealed class InteropWorkspace : IDisposable
{
    private InteropWorkspace(string root, TestTlsMaterial tls, TestPemFiles pem)
    {
        Root = root;
        Tls = tls;
        Pem = pem;
    }

    public string Root { get; }

    public string Stubs => Path.Combine(Root, "stubs");

    public TestTlsMaterial Tls { get; }

    public TestPemFiles Pem { get; }

    public static async Task<InteropWorkspace> CreateAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "keylessgeo-interop-" + Guid.NewGuid().ToString("N"));
        var tls = TestTlsMaterial.Create();
        var pem = tls.WritePem(Path.Combine(root, "pem"));
        var workspace = new InteropWorkspace(root, tls, pem);
        await PythonGrpc.GenerateStubsAsync(workspace.Stubs);
        return workspace;
    }

    public void Dispose()
    {
        Tls.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}
