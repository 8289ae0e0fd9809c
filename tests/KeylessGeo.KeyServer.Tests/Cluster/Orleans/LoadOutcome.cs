using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Tests.Cluster.Orleans;

/// <summary>
/// One request of a <see cref="SteadyLoad"/>: when it started and ended on the load's clock, and
/// either the keyserver's answer or why no answer came (a gRPC status, or the hang guard).
/// </summary>
internal sealed record LoadOutcome(ulong Id, TimeSpan Started, TimeSpan Ended, SignResponse? Response, string? NoAnswer)
{
    public bool Signed => Response?.OutcomeCase == SignResponse.OutcomeOneofCase.Result;

    /// <summary>The keyserver the answer names (for errors too: the one that answered).</summary>
    public string? ServedBy => Response?.ServedBy?.KeyserverId;

    public ErrorCode? Code => Response?.OutcomeCase == SignResponse.OutcomeOneofCase.Error ? Response.Error.Code : null;

    public TimeSpan Latency => Ended - Started;

    /// <summary>A short label for tallies: <c>signed by ks-x</c>, the error code, or the missing answer's cause.</summary>
    public string Label => NoAnswer is not null ? "no answer: " + NoAnswer : Signed ? "signed by " + ServedBy : Code.ToString()!;

    public override string ToString() =>
        $"#{Id} {Started.TotalMilliseconds:F0}-{Ended.TotalMilliseconds:F0} ms: {Label}{(Response?.Error is { } e ? " (" + e.Message + ")" : "")}";
}
