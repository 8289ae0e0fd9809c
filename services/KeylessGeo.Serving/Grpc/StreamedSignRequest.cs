using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Serving.Grpc;

/// <summary>
/// One message read from a <c>SignStream</c>: the parsed request, or why it did not parse. A
/// malformed message is a per-request error (answered with id 0 and <c>BAD_REQUEST</c>), never a
/// reason to end a stream that other handshakes share.
/// </summary>
public sealed class StreamedSignRequest
{
    private StreamedSignRequest(SignRequest? request, string? error, int size)
    {
        Request = request;
        Error = error;
        Size = size;
    }

    /// <summary>The request, or null when the message did not parse.</summary>
    public SignRequest? Request { get; }

    /// <summary>Why the message did not parse, or null.</summary>
    public string? Error { get; }

    /// <summary>The message's serialized size in bytes (what the server read for it).</summary>
    public int Size { get; }

    /// <summary>A message of <paramref name="size"/> bytes that parsed.</summary>
    public static StreamedSignRequest Parsed(SignRequest request, int size) => new(request, null, size);

    /// <summary>A message of <paramref name="size"/> bytes that did not parse.</summary>
    public static StreamedSignRequest Malformed(string error, int size) => new(null, error, size);
}
