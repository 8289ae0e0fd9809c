namespace KeylessGeo.Rpc.Status;

/// <summary>The outcome of a call: a status code and an optional human-readable detail.</summary>
/// <param name="Code">The status code.</param>
/// <param name="Detail">The detail sent as <c>grpc-message</c>; empty when there is none.</param>
public readonly record struct RpcStatus(StatusCode Code, string Detail)
{
    /// <summary>The OK status.</summary>
    public static RpcStatus Ok => new(StatusCode.OK, string.Empty);

    /// <inheritdoc />
    public override string ToString() => Detail.Length == 0 ? Code.ToString() : $"{Code}: {Detail}";
}
