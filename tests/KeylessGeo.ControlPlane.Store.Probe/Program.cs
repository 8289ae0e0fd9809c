using System.Globalization;
using KeylessGeo.ControlPlane.Store;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Changes;
using KeylessGeo.ControlPlane.Store.Embedded;
using KeylessGeo.ControlPlane.Store.Model;

// Usage:
//   commit <data-directory> <count> <prefix>   commits <count> policies named <prefix>-<i>, retrying conflicts
//   wait <data-directory> <revision>           waits until the store reaches <revision>, prints it
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: commit <dir> <count> <prefix> | wait <dir> <revision>");
    return 2;
}

using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
await using var store = new EmbeddedControlPlaneStore(new EmbeddedStoreOptions { DataDirectory = args[1], PollInterval = TimeSpan.FromMilliseconds(50) });
switch (args[0])
{
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
