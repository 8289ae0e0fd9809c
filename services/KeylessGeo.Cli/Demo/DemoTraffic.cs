using System.Diagnostics;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Handshake-style requests through the edge agents over gRPC, as a TLS terminator sends them:
/// for each key and each entry datacenter, requests until the cluster has settled (the key
/// imported and placed everywhere), then a few timed ones; every signature verified and its
/// signer checked against the key's policy.
/// </summary>
public sealed class DemoTraffic(DemoVerifier verifier)
{
    /// <summary>Timed requests per row, after the first signature.</summary>
    public const int TimedRequests = 8;

    private static readonly TimeSpan SettlePatience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RequestDeadline = TimeSpan.FromSeconds(5);
    private ulong _nextId;

    /// <summary>One request through <paramref name="agent"/>; the answer and the time it took.</summary>
    public async Task<(SignResponse Response, TimeSpan Elapsed)> SignAsync(DemoAgentNode agent, DemoSignatureCheck check, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var response = await agent.Client.SignAsync(new SignRequest
        {
            Id = Interlocked.Increment(ref _nextId),
            Key = new KeyRef { KeyId = check.KeyId },
            Operation = check.Operation,
            Payload = ByteString.CopyFrom(check.Payload),
            TimeoutMs = (uint)RequestDeadline.TotalMilliseconds,
        }, deadline: DateTime.UtcNow + RequestDeadline + TimeSpan.FromSeconds(5), cancellationToken: cancellationToken);
        return (response, clock.Elapsed);
    }

    /// <summary>The row for <paramref name="check"/>'s key entering at <paramref name="agent"/>, with <paramref name="permitted"/> the datacenters its policy permits.</summary>
    public async Task<DemoResult> RowAsync(DemoAgentNode agent, DemoSignatureCheck check, string policy, IReadOnlyCollection<string> permitted, CancellationToken cancellationToken)
    {
        var entry = agent.Datacenter.Id;
        var first = await SettleAsync(agent, check, cancellationToken);
        if (first.OutcomeCase != SignResponse.OutcomeOneofCase.Result)
        {
            return new DemoResult(check.KeyId, policy, entry, null, null, null, TimeSpan.Zero, 0, 0, 0, $"{first.Error.Code} ({first.Error.Message})");
        }

        var latencies = new List<TimeSpan>(TimedRequests);
        var (verified, outside, requests) = (0, 0, 0);
        var signer = first.ServedBy;
        for (var i = 0; i < TimedRequests; i++)
        {
            SignResponse response;
            TimeSpan elapsed;
            try
            {
                (response, elapsed) = await SignAsync(agent, check, cancellationToken);
            }
            catch (Grpc.Core.RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                return new DemoResult(check.KeyId, policy, entry, signer.KeyserverId, signer.Datacenter, null, TimeSpan.Zero, requests, verified, outside,
                    $"the call to {agent.Datacenter.AgentId} failed: {ex.StatusCode}");
            }

            if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Result)
            {
                return new DemoResult(check.KeyId, policy, entry, signer.KeyserverId, signer.Datacenter, null, TimeSpan.Zero, requests, verified, outside,
                    $"{response.Error.Code} ({response.Error.Message})");
            }

            latencies.Add(elapsed);
            requests++;
            signer = response.ServedBy;
            outside += permitted.Contains(signer.Datacenter) ? 0 : 1;
            verified += await verifier.VerifyAsync(check, response.Result.ToByteArray(), cancellationToken) ? 1 : 0;
        }

        latencies.Sort();
        return new DemoResult(check.KeyId, policy, entry, signer.KeyserverId, signer.Datacenter, DemoResult.Classify(entry, signer.Datacenter),
            latencies[latencies.Count / 2], requests, verified, outside, null);
    }

    /// <summary>
    /// Asks until the answer is a signature or a definitive error: just after an import the
    /// keyservers may still be applying it (key not found yet, its policy key not yet wrapped
    /// for a datacenter, no grain placed yet).
    /// </summary>
    private async Task<SignResponse> SettleAsync(DemoAgentNode agent, DemoSignatureCheck check, CancellationToken cancellationToken)
    {
        var giveUp = DateTimeOffset.UtcNow + SettlePatience;
        while (true)
        {
            SignResponse response;
            try
            {
                (response, _) = await SignAsync(agent, check, cancellationToken);
            }
            catch (Grpc.Core.RpcException) when (DateTimeOffset.UtcNow < giveUp && !cancellationToken.IsCancellationRequested)
            {
                // The agent's first connection to its keyserver is still being set up.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                continue;
            }

            var transient = response.OutcomeCase != SignResponse.OutcomeOneofCase.Result &&
                response.Error.Code is ErrorCode.KeyNotFound or ErrorCode.Internal or ErrorCode.Unavailable or ErrorCode.DeadlineExceeded or ErrorCode.PolicyDenied or ErrorCode.Overloaded;
            if (!transient || DateTimeOffset.UtcNow > giveUp)
            {
                return response;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }
}
