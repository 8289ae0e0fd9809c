using System.Globalization;
using KeylessGeo.Rpc.Framing;
using KeylessGeo.Rpc.Metadata;
using KeylessGeo.Rpc.Status;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace KeylessGeo.Rpc.Server;

/// <summary>The HTTP/2 side of the server: request checks, response headers, status and trailers.</summary>
internal static class ServerProtocol
{
    public const string GrpcContentType = "application/grpc";
    private static readonly string[] StatusStrings = CreateStatusStrings();

    /// <summary>True for <c>application/grpc</c>, <c>application/grpc+proto</c> and parameterised forms.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = contentType.AsSpan(GrpcContentType.Length);
        if (rest.StartsWith("+proto", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest[6..];
        }

        return rest.IsEmpty || rest[0] == ';';
    }

    /// <summary>
    /// Checks protocol, content-type, encoding and timeout. When it returns false the response
    /// is already set up (HTTP 415/426 or a trailers-only status).
    /// </summary>
    public static bool TryAccept(HttpContext http, out TimeSpan? timeout)
    {
        timeout = null;
        var request = http.Request;
        if (!IsGrpcContentType(request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return false;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            http.Response.Headers.Upgrade = "h2";
            http.Response.Headers.Connection = "Upgrade";
            return false;
        }

        var encoding = request.Headers["grpc-encoding"].ToString();
        if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.Ordinal))
        {
            http.Response.Headers["grpc-accept-encoding"] = "identity";
            WriteTrailersOnly(http.Response, new RpcStatus(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'; supported: identity."), null, null);
            return false;
        }

        var rawTimeout = request.Headers["grpc-timeout"].ToString();
        if (rawTimeout.Length > 0)
        {
            if (!GrpcTimeout.TryParse(rawTimeout, out var parsed))
            {
                WriteTrailersOnly(http.Response, new RpcStatus(StatusCode.Internal, $"Invalid grpc-timeout value '{rawTimeout}'."), null, null);
                return false;
            }

            timeout = parsed;
        }

        // Streams are long-lived: the per-request body size and minimum data rate limits do not apply.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxBody)
        {
            maxBody.MaxRequestBodySize = null;
        }

        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRate)
        {
            minRate.MinDataRate = null;
        }

        return true;
    }

    /// <summary>Sets the response status line and headers before the first message.</summary>
    public static void PrepareResponse(HttpResponse response, RpcMetadata? headers)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcContentType;
        AppendMetadata(response.Headers, headers);
    }

    /// <summary>Ends the call with <paramref name="status"/>: in trailers, or trailers-only when nothing was sent.</summary>
    public static void WriteStatus(HttpContext http, RpcCallContext context, RpcStatus status)
    {
        if (!context.ResponseStarted)
        {
            WriteTrailersOnly(http.Response, status, context.FreezeResponseHeaders(), context.ResponseTrailersSnapshot);
            return;
        }

        var response = http.Response;
        response.AppendTrailer("grpc-status", StatusString(status.Code));
        if (status.Detail.Length > 0)
        {
            response.AppendTrailer("grpc-message", PercentEncoding.Encode(status.Detail));
        }

        if (context.ResponseTrailersSnapshot is { } trailers)
        {
            foreach (var entry in trailers)
            {
                response.AppendTrailer(entry.Key, entry.WireValue);
            }
        }
    }

    /// <summary>A response of one HEADERS frame carrying the status.</summary>
    public static void WriteTrailersOnly(HttpResponse response, RpcStatus status, RpcMetadata? headers, RpcMetadata? trailers)
    {
        PrepareResponse(response, headers);
        response.Headers["grpc-status"] = StatusString(status.Code);
        if (status.Detail.Length > 0)
        {
            response.Headers["grpc-message"] = PercentEncoding.Encode(status.Detail);
        }

        AppendMetadata(response.Headers, trailers);
    }

    /// <summary>The wire form of <paramref name="code"/>; a code outside 0–16 is sent as UNKNOWN (2).</summary>
    private static string StatusString(StatusCode code)
        => (uint)code < (uint)StatusStrings.Length ? StatusStrings[(int)code] : StatusStrings[(int)StatusCode.Unknown];

    private static void AppendMetadata(IHeaderDictionary target, RpcMetadata? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var entry in metadata)
        {
            target.Append(entry.Key, entry.WireValue);
        }
    }

    private static string[] CreateStatusStrings()
    {
        var strings = new string[17];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = i.ToString(CultureInfo.InvariantCulture);
        }

        return strings;
    }
}
