namespace KeylessGeo.Keyless.Codec;

/// <summary>The outcome of <see cref="KeylessFrameReader.TryReadFrame(ref System.Buffers.ReadOnlySequence{byte}, int, out KeylessFrame)"/>.</summary>
public enum KeylessFrameStatus
{
    /// <summary>The buffer does not yet hold a whole message; nothing was consumed.</summary>
    Incomplete,

    /// <summary>A whole message was read and consumed from the buffer.</summary>
    Frame,

    /// <summary>
    /// Connection-fatal: the major version is not 1. The frame's id and versions are set;
    /// answer <see cref="Protocol.KeylessError.VersionMismatch"/> for that id, then close.
    /// Nothing was consumed.
    /// </summary>
    UnsupportedVersion,

    /// <summary>
    /// Connection-fatal: the body length is above the configured limit. The frame's id and
    /// length are set; answer <see cref="Protocol.KeylessError.FormatError"/> for that id, then
    /// close. Nothing was consumed.
    /// </summary>
    BodyTooLong,
}
