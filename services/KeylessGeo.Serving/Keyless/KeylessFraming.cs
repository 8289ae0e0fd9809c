using KeylessGeo.Keyless.Codec;

namespace KeylessGeo.Serving.Keyless;

/// <summary>A connection-fatal framing error, for the answer and the log.</summary>
/// <param name="Status">What was wrong.</param>
/// <param name="Id">The offending message's id (answered before closing).</param>
/// <param name="MajorVersion">Its major version.</param>
/// <param name="BodyLength">Its declared body length.</param>
internal readonly record struct KeylessFraming(KeylessFrameStatus Status, uint Id, byte MajorVersion, int BodyLength);
