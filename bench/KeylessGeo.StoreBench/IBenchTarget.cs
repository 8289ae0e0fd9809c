using KeylessGeo.ControlPlane.Store;

namespace KeylessGeo.StoreBench;

/// <summary>One store under measurement.</summary>
internal interface IBenchTarget : IAsyncDisposable
{
    /// <summary>The name in the results table.</summary>
    public string Name { get; }

    public IControlPlaneStore Store { get; }

    /// <summary>How <see cref="WrittenBytesAsync"/> counts.</summary>
    public string BytesMeaning { get; }

    /// <summary>A monotonic count of bytes written so far.</summary>
    public Task<long> WrittenBytesAsync();

    /// <summary>Work after a load (the embedded store compacts); what it measured, for the notes column.</summary>
    public Task<string> AfterLoadAsync();
}
