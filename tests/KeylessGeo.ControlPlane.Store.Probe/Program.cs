using System.Globalization;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Model;

// Usage:
//   commit <data-directory> <count> <prefix>   commits <count> policies named <prefix>-<i>, retrying conflicts
//   wait <data-directory> <revision>           waits until the store reaches <revision>, prints it
//   crash-writer <data-directory> <count> <compact-every> <pause-at>
//                                              commits <count> keys, printing "ack <revision>" after each, and compacts
//                                              every <compact-every> commits, printing "compact <revision>" first; at
//                                              compaction step <pause-at> (or never: none) prints "step <name>" and
//                                              waits to be killed
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: commit <dir> <count> <prefix> | wait <dir> <revision> | crash-writer <dir> <count> <compact-every> <pause-at>");
    return 2;
}

using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
var pauseAt = args is ["crash-writer", _, _, _, var step] ? step : "none";
await using var store = new EmbeddedControlPlaneStore(new EmbeddedStoreOptions
{
    DataDirectory = args[1],
    PollInterval = TimeSpan.FromMilliseconds(50),
    CompactionMinimumLogBytes = 0,
    CompactionStepReached = async (reached, cancellationToken) =>
    {
        if (string.Equals(reached.ToString(), pauseAt, StringComparison.Ordinal))
        {
            Console.WriteLine($"step {reached}");
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    },
});
switch (args[0])
{
    case "crash-writer":
        var commits = int.Parse(args[2], CultureInfo.InvariantCulture);
        var compactEvery = int.Parse(args[3], CultureInfo.InvariantCulture);
        for (var i = 1; i <= commits; i++)
        {
            var revision = await store.GetRevisionAsync(bound.Token);
            var key = new ManagedKeyRecord
            {
                KeyId = $"k-{revision + 1:D5}", PolicyId = "p", Version = 1, Algorithm = "ecdsa-p256", SubjectPublicKeyInfo = new byte[91], Ski = new byte[20],
                PolicyKeyGeneration = 1, WrappedPrivateKey = new byte[200], CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
                HostNames = [.. Enumerable.Range(0, revision == 0 ? 20_000 : 1).Select(h => $"host-{h}.example.com")],
            };
            var change = new ChangeSet { Audit = new AuditDraft("crash-writer", "key.create", $"key/{key.KeyId}", "{}"), UpsertKeys = [key] };
            var committed = await store.CommitAsync(change, revision, bound.Token);
            Console.WriteLine($"ack {committed.Revision}");
            if (i % compactEvery == 0)
            {
                Console.WriteLine($"compact {committed.Revision}");
                await store.CompactAsync(bound.Token);
            }
        }

        return 0;
    case "commit":
        var count = int.Parse(args[2], CultureInfo.InvariantCulture);
        var conflicts = 0;
        for (var i = 0; i < count; i++)
        {
            var policy = new PolicyRecord { Id = $"{args[3]}-{i}", Version = 1, Text = "allow region EU", UpdatedAt = DateTimeOffset.UnixEpoch, KeyGeneration = 1,
                ControlPlaneCopy = new WrappedPolicyKey { DatacenterId = WrappedPolicyKey.ControlPlaneDatacenterId, WrappingKeyFingerprint = "cp", Blob = [1, 2, 3] },
            };
            var changes = new ChangeSet { Audit = new AuditDraft(args[3], "policy.create", $"policy/{policy.Id}", "{}"), UpsertPolicies = [policy] };
            while (true)
            {
                try
                {
                    await store.CommitAsync(changes, await store.GetRevisionAsync(bound.Token), bound.Token);
                    break;
                }
                catch (StoreConflictException)
                {
                    conflicts++;
                }
            }
        }

        Console.WriteLine($"committed {count} with {conflicts} conflicts");
        return 0;
    case "wait":
        var target = long.Parse(args[2], CultureInfo.InvariantCulture);
        long seen = 0;
        while (seen < target)
        {
            seen = await store.WaitForChangeAsync(seen, bound.Token);
        }

        Console.WriteLine(seen.ToString(CultureInfo.InvariantCulture));
        return 0;
    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}
