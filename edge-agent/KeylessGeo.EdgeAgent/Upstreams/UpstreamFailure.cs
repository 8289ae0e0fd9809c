namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>How a request failed to get an answer from a keyserver.</summary>
internal enum UpstreamFailure
{
    /// <summary>
    /// The request never reached the keyserver: no connection could be opened, or the stream
    /// ended before the request was written. Sending it elsewhere adds no load to this keyserver.
    /// </summary>
    NotSent,

    /// <summary>
    /// The request was written, then the stream or connection broke before its answer came: the
    /// keyserver may have done the work.
    /// </summary>
    Broken,
}
