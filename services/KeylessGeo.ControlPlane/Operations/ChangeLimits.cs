using System.Collections.Immutable;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store.Changes;

namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// Enforces <see cref="ControlPlaneLimits"/> on a planned change, in the one place every change
/// passes (the committer), so no operation can add records around it. A change that does not
/// grow a total is never refused for it, even above a limit that was lowered.
/// </summary>
internal static class ChangeLimits
{
    /// <summary>Throws a 413 or 409 <see cref="ControlPlaneException"/> when <paramref name="changes"/> crosses a limit.</summary>
    public static void Check(string operation, ControlPlaneState state, ChangeSet changes, ControlPlaneLimits limits)
    {
        PerRequest(operation, "policy records", changes.UpsertPolicies.Length, limits.MaxPoliciesPerRequest, nameof(ControlPlaneLimits.MaxPoliciesPerRequest));
        PerRequest(operation, "key records", changes.UpsertKeys.Length, limits.MaxKeysPerRequest, nameof(ControlPlaneLimits.MaxKeysPerRequest));

        var addedPolicies = Added(id => state.FindPolicy(id) is not null, changes.UpsertPolicies.Select(static p => p.Id), changes.DeletePolicies);
        Total(operation, "policies", ErrorCodes.PolicyLimitReached, "delete a policy", "id", state.PolicyCount, addedPolicies, limits.MaxPolicies, nameof(ControlPlaneLimits.MaxPolicies));
        var addedKeys = Added(id => state.TryGetKey(id, out _), changes.UpsertKeys.Select(static k => k.KeyId), changes.DeleteKeys);
        Total(operation, "keys", ErrorCodes.KeyLimitReached, "remove a key", "keyId", state.KeyCount, addedKeys, limits.MaxKeys, nameof(ControlPlaneLimits.MaxKeys));
    }

    /// <summary>How many records the change adds to the total: new ids upserted, less existing ids deleted (by lookups, in proportion to the change).</summary>
    private static int Added(Func<string, bool> exists, IEnumerable<string> upserts, ImmutableArray<string> deletes)
    {
        var upserted = upserts.ToHashSet(StringComparer.Ordinal);
        if (upserted.Count == 0 && deletes.IsEmpty)
        {
            return 0;
        }

        return upserted.Count(id => !exists(id)) - deletes.Distinct(StringComparer.Ordinal).Count(exists);
    }

    private static void PerRequest(string operation, string what, int count, int limit, string setting)
    {
        if (count <= limit)
        {
            return;
        }

        var name = $"{ControlPlaneLimits.SectionName}:{setting}";
        var message = $"{operation}: this request would write {count} {what}, more than {name} ({limit}) allows in one request; nothing was applied. "
            + $"Split the change, or raise {name}";
        throw new ControlPlaneException(ErrorKind.TooLarge, ErrorCodes.RequestTooLarge, message, [new FieldError(name, message)])
        {
            Limit = new LimitExceeded(name, limit, count, count),
        };
    }

    private static void Total(string operation, string what, string code, string remedy, string field, int current, int added, int limit, string setting)
    {
        if (added <= 0 || current + added <= limit)
        {
            return;
        }

        var name = $"{ControlPlaneLimits.SectionName}:{setting}";
        var message = $"{operation}: the store holds {current} {what} and {name} is {limit}; nothing was applied. {char.ToUpperInvariant(remedy[0])}{remedy[1..]} first, or raise {name}";
        throw new ControlPlaneException(ErrorKind.Conflict, code, message, [new FieldError(field, message)])
        {
            Limit = new LimitExceeded(name, limit, current, added),
        };
    }
}
