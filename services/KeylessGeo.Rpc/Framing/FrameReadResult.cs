namespace KeylessGeo.Rpc.Framing;

/// <summary>The outcome of trying to read one length-prefixed message from a buffer.</summary>
public enum FrameReadResult
{
    /// <summary>The buffer does not yet hold a whole message.</summary>
    NeedMoreData,

    /// <summary>A whole message was read.</summary>
    Message,

    /// <summary>The message header announces a length above the configured limit.</summary>
    TooLarge,
}
