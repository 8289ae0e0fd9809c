using System.Diagnostics;
using KeylessGeo.Contracts.V1;
using KeylessGeo.ControlPlane.Policies;

namespace KeylessGeo.Cli.Demo;

/// <summary>
/// Narrows a policy while requests keep arriving at a keyserver it removes, and measures the
/// time from the control-plane call to that keyserver's last signature of its own and to the
/// first request it had signed by a keyserver the narrowed policy still permits (in its region,
/// through the key's grain).
/// </summary>
public static class DemoEviction
{
    /// <summary>What the measurement saw.</summary>
    /// <param name="LastSignedHere">From the start of the call to the last signature the removed keyserver made itself (null: none after the call started).</param>
    /// <param name="FirstSignedElsewhere">From the start of the call to the first request signed by another keyserver (null: never, within the patience).</param>
    /// <param name="NewSigner">The keyserver that signed then.</param>
    /// <param name="Signatures">Requests made while measuring.</param>
    /// <param name="SignedOutsidePolicy">Signatures made, after the first one elsewhere, by the removed datacenter (must be 0).</param>
    public sealed record Result(TimeSpan? LastSignedHere, TimeSpan? FirstSignedElsewhere, string? NewSigner, int Signatures, int SignedOutsidePolicy);

    /// <summary>Runs the narrowing and the measurement.</summary>
    public static async Task<Result> NarrowAndMeasureAsync(DemoCluster cluster, DemoKeyserver removed, DemoSignatureCheck check, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = new Stopwatch();
        TimeSpan? lastSignedHere = null;
        TimeSpan? firstElsewhere = null;
        string? newSigner = null;
        var signatures = 0;
        var outside = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var signer = Task.Run(async () =>
        {
            started.TrySetResult();
            // A few requests past the switch, to show none is signed in the removed datacenter again.
            var after = 0;
            while (after < 20 && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                var response = await DemoSigner.SignAsync(removed, check, stop.Token);
                signatures++;
                if (response.OutcomeCase != SignResponse.OutcomeOneofCase.Result || !clock.IsRunning)
                {
                    continue;
                }

                if (response.ServedBy.KeyserverId == removed.Id)
                {
                    lastSignedHere = clock.Elapsed;
                    outside += firstElsewhere is null ? 0 : 1;
                }
                else
                {
                    firstElsewhere ??= clock.Elapsed;
                    newSigner ??= $"{response.ServedBy.KeyserverId} ({response.ServedBy.Datacenter})";
                    after++;
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
        return new Result(lastSignedHere, firstElsewhere, newSigner, signatures, outside);
    }
}
