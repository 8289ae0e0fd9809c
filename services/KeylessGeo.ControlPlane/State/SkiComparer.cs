namespace KeylessGeo.ControlPlane.State;

/// <summary>Compares SKIs (byte arrays) by content, for the index from SKI to key ids.</summary>
internal sealed class SkiComparer : IEqualityComparer<byte[]>
{
    public static SkiComparer Instance { get; } = new();

    public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = default(HashCode);
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
