using System.Buffers;

namespace KeylessGeo.Keyless.Codec;

/// <summary>
/// One message read by <see cref="KeylessFrameReader"/>: the header fields and the body as a
/// slice of the input (no copy; valid until the caller advances its <c>PipeReader</c> past it).
/// </summary>
/// <param name="Id">The request id (echoed in the response).</param>
/// <param name="MajorVersion">The header's major version.</param>
/// <param name="MinorVersion">The header's minor version.</param>
/// <param name="BodyLength">The body length from the header.</param>
/// <param name="Body">The body; empty for the connection-fatal statuses.</param>
public readonly record struct KeylessFrame(uint Id, byte MajorVersion, byte MinorVersion, int BodyLength, ReadOnlySequence<byte> Body);
