namespace KeylessGeo.Serving.Keyless;

/// <summary>What a <see cref="KeylessReply"/> writes.</summary>
internal enum KeylessReplyKind
{
    /// <summary>A response (opcode 0xF0) carrying a result.</summary>
    Result,

    /// <summary>A pong (opcode 0xF2) carrying a ping's echoed payload.</summary>
    Pong,

    /// <summary>An error response (opcode 0xFF) carrying one error byte.</summary>
    Error,

    /// <summary>Not a message: flush what precedes it, then complete the output.</summary>
    Close,
}
