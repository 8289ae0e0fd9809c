using System.Text;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.KeyServer.Forwarding;

/// <summary>
/// One forwarded request's state across its attempts: the candidates in order, which one goes
/// next, what each attempt came to, and the backoff chosen for the next retry. Used by one
/// request at a time (attempts are sequential), so it needs no locking.
/// </summary>
internal sealed class ForwardCall(SignRequest request, RemoteKeyserver[] candidates, DateTimeOffset deadline, CancellationToken callerToken)
{
    private const int MaxDetailLength = 160;
    private const int MaxTriedLength = 1024;
    private readonly StringBuilder _tried = new();
    private int _next;

    public SignRequest Request { get; } = request;

    public RemoteKeyserver[] Candidates { get; } = candidates;

    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>The caller's token: its cancellation is the caller going away, not a timeout.</summary>
    public CancellationToken CallerToken { get; } = callerToken;

    /// <summary>Requests sent so far.</summary>
    public int Attempts { get; private set; }

    /// <summary>The timeout of the attempt under way: the attempt timeout capped by the remaining deadline.</summary>
    public TimeSpan AttemptTimeout { get; set; }

    /// <summary>The backoff before the next attempt, chosen when deciding to retry.</summary>
    public TimeSpan NextDelay { get; set; }

    /// <summary>Set when a retry was not made because its backoff would end past the deadline.</summary>
    public bool OutOfTime { get; set; }

    /// <summary>The keyserver that gave the final answer, or null.</summary>
    public RemoteKeyserver? AnsweredBy { get; private set; }

    /// <summary>What the attempts came to, for the final error message: <c>ks-1 (fra1, EU): timed out; …</c>.</summary>
    public string Tried => _tried.Length == 0 ? "none" : _tried.ToString();

    /// <summary>
    /// The next candidate to try, rotating through the list so each retry goes to another
    /// keyserver when there is one.
    /// </summary>
    public RemoteKeyserver NextCandidate()
    {
        var candidate = Candidates[_next % Candidates.Length];
        _next++;
        return candidate;
    }

    /// <summary>Counts a request sent.</summary>
    public void Sent() => Attempts++;

    /// <summary>Notes a candidate passed over because its circuit rejected the attempt.</summary>
    public void Skipped(RemoteKeyserver keyserver) => Note(keyserver, "circuit open, skipped");

    /// <summary>Records what an attempt came to.</summary>
    public void Record(RemoteKeyserver keyserver, ForwardAttempt attempt)
    {
        if (attempt.Response is not null)
        {
            AnsweredBy = keyserver;
        }
        else
        {
            Note(keyserver, attempt.Detail);
        }
    }

    /// <summary>The distinct regions of the candidates, in order: <c>EU, NA</c>.</summary>
    public string Regions()
    {
        var regions = new List<string>();
        foreach (var candidate in Candidates)
        {
            if (!regions.Contains(candidate.Region, StringComparer.OrdinalIgnoreCase))
            {
                regions.Add(candidate.Region);
            }
        }

        return string.Join(", ", regions);
    }

    private void Note(RemoteKeyserver keyserver, string detail)
    {
        // Bounded: a region of many keyservers with open circuits must not make a huge message.
        if (_tried.Length >= MaxTriedLength)
        {
            if (_tried[^1] != '…')
            {
                _tried.Append("; …");
            }

            return;
        }

        if (_tried.Length > 0)
        {
            _tried.Append("; ");
        }

        _tried.Append(keyserver).Append(": ").Append(detail.Length <= MaxDetailLength ? detail : string.Concat(detail.AsSpan(0, MaxDetailLength), "…"));
    }
}
