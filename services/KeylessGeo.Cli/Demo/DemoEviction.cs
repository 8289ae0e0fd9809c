using System.Diagnostics;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Policies;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Narrows a policy while a keyserver it removes keeps signing, and measures the time from the
/// control-plane call to that keyserver's last successful signature and first refusal.
/// </summary>
public static class DemoEviction
{
    /// <summary>What the measurement saw.</summary>
    /// <param name="LastSuccess">From the start of the call to the last successful signature (null: none after the call started).</param>
    /// <param name="FirstDenied">From the start of the call to the first POLICY_DENIED (null: never, within the patience).</param>
    /// <param name="Signatures">Requests made while measuring.</param>
    public sealed record Result(TimeSpan? LastSuccess, TimeSpan? FirstDenied, int Signatures);

    /// <summary>Runs the narrowing and the measurement.</summary>
    public static async Task<Result> NarrowAndMeasureAsync(DemoCluster cluster, DemoKeyserver removed, DemoSignatureCheck check, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = new Stopwatch();
        TimeSpan? lastSuccess = null;
        TimeSpan? firstDenied = null;
        var signatures = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var signer = Task.Run(async () =>
        {
            started.TrySetResult();
            while (firstDenied is null && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                var response = await DemoSigner.SignAsync(removed, check, stop.Token);
                signatures++;
                if (response.OutcomeCase == SignResponse.OutcomeOneofCase.Result && clock.IsRunning)
                {
                    lastSuccess = clock.Elapsed;
                }
                else if (response.Error?.Code == ErrorCode.PolicyDenied)
                {
                    firstDenied = clock.Elapsed;
                }
            }
        }, stop.Token);

        await started.Task;
        clock.Start();
        await cluster.Services.Policies.UpdateAsync(DemoCluster.Operator, new PolicyRequest
        {
            Id = DemoDatacenters.EuPolicyId,
            Policy = PolicyInput.FromText(DemoDatacenters.EuPolicyNarrowed),
            Comment = "demo: keep the keys out of the Netherlands",
        }, cancellationToken);
        await signer;
        return new Result(lastSuccess, firstDenied, signatures);
    }
}
