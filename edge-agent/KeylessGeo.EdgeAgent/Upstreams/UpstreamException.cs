namespace KeylessGeo.EdgeAgent.Upstreams;

/// <summary>A request got no answer from a keyserver (a transport failure, never an answer's error).</summary>
internal sealed class UpstreamException : Exception
{
    public UpstreamException(UpstreamFailure failure, string upstream, string reason, Exception? inner = null)
        : base($"Keyserver {upstream}: {reason}", inner)
    {
        Failure = failure;
        Upstream = upstream;
    }

    public UpstreamFailure Failure { get; }

    public string Upstream { get; }
}
