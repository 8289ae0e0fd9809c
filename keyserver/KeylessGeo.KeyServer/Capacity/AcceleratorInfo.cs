namespace KeylessGeo.KeyServer.Capacity;

/// <summary>The accelerator in use: <see cref="Kind"/> is empty (multiplier 1) without one.</summary>
/// <param name="Kind">"qat" or empty.</param>
/// <param name="Multiplier">Capacity multiplier for offloaded algorithms (RSA, ECDSA).</param>
/// <param name="Source">"configured", "detected" or "none", for logs.</param>
internal sealed record AcceleratorInfo(string Kind, double Multiplier, string Source)
{
    public static AcceleratorInfo None { get; } = new("", 1.0, "none");
}
