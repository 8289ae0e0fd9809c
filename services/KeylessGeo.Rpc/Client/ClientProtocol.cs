using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using KeylessGeo.Rpc.Framing;
using KeylessGeo.Rpc.Metadata;
using KeylessGeo.Rpc.Methods;
using KeylessGeo.Rpc.Status;

namespace KeylessGeo.Rpc.Client;

/// <summary>The HTTP/2 side of the client: request headers, response checks, status and metadata.</summary>
internal static class ClientProtocol
{
    private static readonly MediaTypeHeaderValue GrpcContentType = new("application/grpc");
    private static readonly ProductInfoHeaderValue UserAgent = new("keylessgeo-rpc", "1.0");

    public static HttpRequestMessage CreateRequest(Uri address, RpcMethod method, RpcCallOptions? options, CallScope scope, HttpContent content)
    {
        content.Headers.ContentType = GrpcContentType;
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TE.ParseAdd("trailers");
        headers.UserAgent.Add(UserAgent);
        if (scope.Timeout is { } timeout)
        {
            headers.TryAddWithoutValidation("grpc-timeout", GrpcTimeout.Format(timeout));
        }

        if (options?.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                headers.TryAddWithoutValidation(entry.Key, entry.WireValue);
            }
        }

        return request;
    }

    /// <summary>
    /// Checks the response headers. Returns the final status when the call already ended
    /// (trailers-only response or a non-gRPC HTTP response), null when messages may follow.
    /// </summary>
    public static RpcStatus? CheckHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new RpcStatus(FromHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}.");
        }

        if (TryGetStatus(response.Headers, out var status))
        {
            return status;
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType is null || !contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            return new RpcStatus(StatusCode.Internal, $"Bad gRPC response. Invalid content-type '{contentType}'.");
        }

        return null;
    }

    /// <summary>The status from the trailers, once the body was read to its end.</summary>
    public static RpcStatus GetTrailerStatus(HttpResponseMessage response)
        => TryGetStatus(response.TrailingHeaders, out var status)
            ? status
            : new RpcStatus(StatusCode.Internal, "The response ended without grpc-status.");

    public static RpcMetadata ReadMetadata(HttpHeaders headers)
    {
        RpcMetadata? metadata = null;
        foreach (var header in headers.NonValidated)
        {
            if (RpcMetadata.IsReserved(header.Key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                (metadata ??= new RpcMetadata()).AddFromWire(header.Key, value);
            }
        }

        return metadata ?? RpcMetadata.Empty;
    }

    public static RpcException MapTransportException(Exception exception)
    {
        var protocol = exception as HttpProtocolException ?? exception.InnerException as HttpProtocolException;
        if (protocol is not null)
        {
            // HTTP/2 error codes from RST_STREAM / GOAWAY, mapped as the gRPC specification lists them.
            var code = protocol.ErrorCode switch
            {
                0x8 => StatusCode.Cancelled,
                0x7 => StatusCode.Unavailable,
                0xB => StatusCode.ResourceExhausted,
                0xC => StatusCode.PermissionDenied,
                _ => StatusCode.Internal,
            };
            return new RpcException(new RpcStatus(code, $"HTTP/2 stream error {protocol.ErrorCode}: {protocol.Message}"), null, exception);
        }

        if (exception is HttpRequestException or IOException or TimeoutException || exception.InnerException is TimeoutException)
        {
            return new RpcException(new RpcStatus(StatusCode.Unavailable, $"Error communicating with the server: {exception.Message}"), null, exception);
        }

        return new RpcException(new RpcStatus(StatusCode.Unknown, $"Unexpected client error: {exception.Message}"), null, exception);
    }

    private static bool TryGetStatus(HttpHeaders headers, out RpcStatus status)
    {
        status = default;
        if (!headers.NonValidated.TryGetValues("grpc-status", out var values))
        {
            return false;
        }

        var raw = values.ToString();
        var code = int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 0 and <= 16
            ? (StatusCode)parsed
            : StatusCode.Unknown;
        var detail = headers.NonValidated.TryGetValues("grpc-message", out var message)
            ? PercentEncoding.Decode(message.ToString())
            : string.Empty;
        status = new RpcStatus(code, detail);
        return true;
    }

    private static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
