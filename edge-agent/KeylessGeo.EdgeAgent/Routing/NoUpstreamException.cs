namespace KeylessGeo.EdgeAgent.Routing;

/// <summary>Selection found no keyserver to try; why is in the request's <see cref="DatacenterAttempt.Miss"/>. Never retried.</summary>
internal sealed class NoUpstreamException : Exception
{
    public NoUpstreamException()
        : base("No keyserver to try.")
    {
    }
}
