using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using KeylessGeo.Rpc.Framing;
using KeylessGeo.Testing;

namespace KeylessGeo.Rpc.Tests.Infrastructure;

/// <summary>
/// An HTTP/2 client that sends hand-made gRPC bodies (malformed messages, compressed flags,
/// wrong content types) over mutual TLS, and returns the raw response.
/// </summary>
internal sealed class RawGrpcClient : IDisposable
{
    private readonly HttpClient _client;
    private readonly Uri _address;

    public RawGrpcClient(RpcTestServer server)
    {
        _address = server.Address;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => server.Tls.ClientCertificate,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
        };
        _client = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
    }

    /// <summary>Number of distinct connections is not observable; callers reuse this client to reuse its connection.</summary>
    public async Task<RawResponse> SendAsync(
        string path,
        byte[] body,
        CancellationToken cancellationToken,
        string contentType = "application/grpc",
        IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, path))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TE.ParseAdd("trailers");
        foreach (var header in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var response = await _client.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawResponse(
            response.StatusCode,
            Flatten(response.Headers),
            Flatten(response.TrailingHeaders),
            SplitMessages(bytes));
    }

    public static byte[] Frame(ReadOnlySpan<byte> payload, bool compressed = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        GrpcFrame.WriteRaw(buffer, payload, compressed);
        return buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _client.Dispose();

    private static Dictionary<string, string> Flatten(HttpHeaders headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers.NonValidated)
        {
            result[header.Key] = header.Value.ToString();
        }

        return result;
    }

    private static List<byte[]> SplitMessages(byte[] body)
    {
        var messages = new List<byte[]>();
        var sequence = new ReadOnlySequence<byte>(body);
        while (GrpcFrame.TryRead(sequence, int.MaxValue, out _, out _, out var payload, out var consumed) == FrameReadResult.Message)
        {
            messages.Add(payload.ToArray());
            sequence = sequence.Slice(consumed);
        }

        if (!sequence.IsEmpty)
        {
            throw new InvalidOperationException($"The response body ended with {sequence.Length} bytes of an incomplete message.");
        }

        return messages;
    }
}
