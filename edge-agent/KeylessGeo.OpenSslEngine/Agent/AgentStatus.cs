namespace KeylessGeo.OpenSslEngine.Agent;

/// <summary>How an exchange with the edge agent went at the transport level.</summary>
internal enum AgentStatus
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>No connection could be opened (no socket file, refused, no permission).</summary>
    Unreachable,

    /// <summary>The deadline passed first.</summary>
    DeadlineExceeded,

    /// <summary>The connection closed or failed mid-exchange.</summary>
    Broken,

    /// <summary>The answer could not be read as a Keyless message for this request.</summary>
    Malformed,
}
