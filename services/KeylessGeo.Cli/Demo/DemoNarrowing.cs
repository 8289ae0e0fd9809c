using System.Diagnostics;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Narrows a policy through the control plane while requests keep entering at the edge agent of
/// a datacenter it removes, and measures the time from the call to the first request signed
/// elsewhere; after that, none may be signed in the removed datacenter again.
/// </summary>
public static class DemoNarrowing
{
    /// <summary>Requests checked after the switch.</summary>
    public const int RequestsAfter = 20;

    /// <summary>What the measurement saw.</summary>
    /// <param name="Switched">From the start of the call to the first request signed by another keyserver (null: never, within the patience).</param>
    /// <param name="NewSigner">The keyserver that signed then, with its datacenter.</param>
    /// <param name="Requests">Requests made while measuring.</param>
    /// <param name="SignedInRemovedAfter">Signatures made in the removed datacenter after the switch (must be 0).</param>
    /// <param name="Removed">The datacenters the control plane reported removed.</param>
    public sealed record Result(TimeSpan? Switched, string? NewSigner, int Requests, int SignedInRemovedAfter, IReadOnlyList<string> Removed)
    {
        public bool Passed => Switched is not null && SignedInRemovedAfter == 0;
    }

    /// <summary>Runs the narrowing of <paramref name="policyId"/> to <paramref name="narrowedText"/> with requests for <paramref name="check"/> entering at <paramref name="agent"/>.</summary>
    public static async Task<Result> RunAsync(
        DemoControlPlane controlPlane, DemoTraffic traffic, DemoAgentNode agent, DemoSignatureCheck check, string policyId, string narrowedText, CancellationToken cancellationToken)
    {
        var removedDatacenter = agent.Datacenter.Id;
        var clock = new Stopwatch();
        TimeSpan? switched = null;
        string? newSigner = null;
        var (requests, after, outside) = (0, 0, 0);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var signer = Task.Run(async () =>
        {
            started.TrySetResult();
            while (after < RequestsAfter && (!clock.IsRunning || clock.Elapsed < TimeSpan.FromSeconds(15)))
            {
                var (response, _) = await traffic.SignAsync(agent, check, cancellationToken);
                requests++;
                if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Result || !clock.IsRunning)
                {
                    continue;
                }

                if (response.ServedBy.Datacenter == removedDatacenter)
                {
                    outside += switched is null ? 0 : 1;
                }
                else
                {
                    switched ??= clock.Elapsed;
                    newSigner ??= $"{response.ServedBy.KeyserverId} ({response.ServedBy.Datacenter})";
                    after++;
                }
            }
        }, cancellationToken);

        await started.Task;
        clock.Start();
        var removed = await controlPlane.UpdatePolicyAsync(policyId, narrowedText, $"demo: keep the keys out of {removedDatacenter}", cancellationToken);
        await signer;
        return new Result(switched, newSigner, requests, outside, removed);
    }
}
