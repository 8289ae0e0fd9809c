namespace KeylessGeo.StackFloor;

/// <summary>The signing keys, looked up by SKI (a linear scan of a handful, as the C floor does) or by id.</summary>
internal sealed class FloorKeys
{
    private readonly FloorKey[] _keys;

    public FloorKeys(IEnumerable<FloorKey> keys) => _keys = [.. keys];

    public int Count => _keys.Length;

    public FloorKey? BySki(ReadOnlySpan<byte> ski)
    {
        foreach (var key in _keys)
        {
            if (ski.SequenceEqual(key.Ski))
            {
                return key;
            }
        }

        return null;
    }

    public FloorKey? ById(string id)
    {
        foreach (var key in _keys)
        {
            if (key.Id == id)
            {
                return key;
            }
        }

        return null;
    }
}
