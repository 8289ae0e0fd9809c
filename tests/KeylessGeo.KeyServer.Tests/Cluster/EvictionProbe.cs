using System.Diagnostics;
using KeylessGeo.Contracts.V1;
using Grpc.Net.Client;

namespace KeylessGeo.KeyServer.Tests.Cluster;

/// <summary>
/// Signs over and over on one channel while a test commits a change, recording when each answer
/// arrived, until the answer changes from <see cref="From"/> to another outcome and a few more
/// requests confirm it. Timestamps are <see cref="Stopwatch"/> ticks.
/// </summary>
internal sealed class EvictionProbe
{
    private const int Confirmations = 20;
    private readonly List<(long At, bool Ok, ErrorCode Error)> _answers = [];

    public EvictionProbe(bool from) => From = from;

    /// <summary>True when the probe starts from successful signatures (and waits for an error), false for the reverse.</summary>
    public bool From { get; }

    public IReadOnlyList<(long At, bool Ok, ErrorCode Error)> Answers => _answers;

    /// <summary>When the first answer of the other kind arrived.</summary>
    public long FirstChanged => _answers.First(a => a.Ok != From).At;

    /// <summary>When the last answer of the starting kind arrived.</summary>
    public long LastUnchanged => _answers.Last(a => a.Ok == From).At;

    /// <summary>The error code of the first changed answer (Unspecified for a success).</summary>
    public ErrorCode ChangedTo => _answers.First(a => a.Ok != From).Error;

    /// <summary>True when no answer of the starting kind came after the first changed one.</summary>
    public bool ChangedOnce
    {
        get
        {
            var first = _answers.FindIndex(a => a.Ok != From);
            return first >= 0 && _answers.Skip(first).All(a => a.Ok != From);
        }
    }

    /// <summary>Runs until the change is seen and confirmed; <paramref name="started"/> completes after the first answer.</summary>
    public async Task RunAsync(GrpcChannel channel, string keyId, Operation operation, byte[] payload, TaskCompletionSource started, CancellationToken cancellationToken)
    {
        var confirmations = -1;
        while (confirmations < Confirmations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var response = await GrpcCluster.SignAsync(channel, keyId, operation, payload);
            var ok = response.OutcomeCase == SignResponse.OutcomeOneofCase.Result;
            _answers.Add((Stopwatch.GetTimestamp(), ok, ok ? ErrorCode.Unspecified : response.Error.Code));
            started.TrySetResult();
            if (ok != From || confirmations >= 0)
            {
                confirmations++;
            }
        }
    }
}
