using System.Net;

namespace KeylessGeo.Rpc.Tests.Infrastructure;

/// <summary>A raw HTTP/2 response: status, headers, trailers and the length-prefixed messages of the body.</summary>
internal sealed record RawResponse(
    HttpStatusCode StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Trailers,
    IReadOnlyList<byte[]> Messages)
{
    /// <summary>grpc-status from the trailers, or from the headers of a trailers-only response.</summary>
    public string? GrpcStatus => Trailers.TryGetValue("grpc-status", out var t) ? t : Headers.GetValueOrDefault("grpc-status");

    public string? GrpcMessage => Trailers.TryGetValue("grpc-message", out var t) ? t : Headers.GetValueOrDefault("grpc-message");

    public bool IsTrailersOnly => Headers.ContainsKey("grpc-status") && Trailers.Count == 0 && Messages.Count == 0;
}
