using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Serving.Grpc;

/// <summary>A <c>SignStream</c> response waiting for the writer, with the bytes its request reserved in the response budget.</summary>
internal readonly record struct QueuedResponse(SignResponse Response, int Cost);
