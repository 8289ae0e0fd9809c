using KeylessGeo.ControlPlane.Operations;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>Asserts an operation is refused with a specific code and leaves the store untouched.</summary>
public static class Refusals
{
    public static async Task<ControlPlaneException> AssertRefusedAsync(ServiceHarness harness, string code, ErrorKind kind, Func<Task> operation)
    {
        var before = await harness.CaptureAsync();
        var refused = await Assert.ThrowsAsync<ControlPlaneException>(operation);
        Assert.Equal(code, refused.Code);
        Assert.Equal(kind, refused.Kind);
        Assert.NotEmpty(refused.Errors);
        await before.AssertUnchangedAsync(harness.Store);
        return refused;
    }
}
