using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Client;

/// <summary>A request waiting on a connection, keyed by its id in <see cref="RequestTable"/>.</summary>
/// <param name="Request">The pooled request.</param>
/// <param name="Generation">The use of <paramref name="Request"/> this entry belongs to.</param>
/// <param name="EndOffset">
/// The connection's outbound byte count once this request's frame is queued: the request cannot
/// have reached the server unless this many bytes were handed to the TLS stream.
/// </param>
/// <param name="Opcode">The request's opcode, which decides the response opcodes that may answer it.</param>
internal readonly record struct PendingEntry(PendingRequest Request, int Generation, long EndOffset, KeylessOpcode Opcode);
