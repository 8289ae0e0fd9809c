namespace KeylessGeo.Rpc.Metadata;

/// <summary>
/// One metadata entry. Keys are lower-case; keys ending in <c>-bin</c> carry binary values
/// (base64 on the wire), all others carry printable ASCII text.
/// </summary>
public sealed class RpcMetadataEntry
{
    private readonly string? _text;
    private readonly byte[]? _bytes;

    internal RpcMetadataEntry(string key, string? text, byte[]? bytes)
    {
        Key = key;
        _text = text;
        _bytes = bytes;
    }

    /// <summary>The lower-case key.</summary>
    public string Key { get; }

    /// <summary>True when the key ends in <c>-bin</c> and the value is binary.</summary>
    public bool IsBinary => _bytes is not null;

    /// <summary>The text value; throws for binary entries.</summary>
    public string Value => _text ?? throw new InvalidOperationException($"Metadata entry '{Key}' is binary; use ValueBytes.");

    /// <summary>The binary value; throws for text entries.</summary>
    public byte[] ValueBytes => _bytes ?? throw new InvalidOperationException($"Metadata entry '{Key}' is text; use Value.");

    /// <summary>True when <paramref name="key"/> names a binary entry.</summary>
    public static bool IsBinaryKey(string key) => key.EndsWith("-bin", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value as sent on the wire (base64 for binary entries).</summary>
    internal string WireValue => _bytes is not null ? Convert.ToBase64String(_bytes) : _text!;

    /// <inheritdoc />
    public override string ToString() => IsBinary ? $"{Key}: <{_bytes!.Length} bytes>" : $"{Key}: {_text}";
}
