namespace KeylessGeo.Rpc.Server;

/// <summary>One read from a request stream: a message, a malformed-message report, or the end.</summary>
/// <typeparam name="T">The message type.</typeparam>
public readonly struct RpcReadResult<T>
    where T : class
{
    private RpcReadResult(RpcReadKind kind, T? message, string? error)
    {
        Kind = kind;
        Message = message;
        Error = error;
    }

    /// <summary>What was read.</summary>
    public RpcReadKind Kind { get; }

    /// <summary>The message when <see cref="Kind"/> is <see cref="RpcReadKind.Message"/>.</summary>
    public T? Message { get; }

    /// <summary>The parse error when <see cref="Kind"/> is <see cref="RpcReadKind.Malformed"/>.</summary>
    public string? Error { get; }

    /// <summary>The end of the stream.</summary>
    public static RpcReadResult<T> Completed => default;

    internal static RpcReadResult<T> FromMessage(T message) => new(RpcReadKind.Message, message, null);

    internal static RpcReadResult<T> FromMalformed(string error) => new(RpcReadKind.Malformed, null, error);
}
