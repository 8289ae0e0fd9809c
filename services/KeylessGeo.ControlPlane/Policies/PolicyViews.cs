using KeylessGeo.ControlPlane.Placement;
using KeylessGeo.ControlPlane.State;
using KeylessGeo.ControlPlane.Store.Model;
using KeylessGeo.Policy.Language;

namespace KeylessGeo.ControlPlane.Policies;

/// <summary>Builds <see cref="PolicyView"/>s from stored records.</summary>
internal static class PolicyViews
{
    public static PolicyView From(PolicyRecord policy, ControlPlaneState state) => new()
    {
        Id = policy.Id,
        Version = policy.Version,
        Text = policy.Text,
        Json = PolicyJson.Serialize(PolicyParser.Parse(policy.Text)),
        Author = policy.Author,
        Comment = policy.Comment,
        UpdatedAt = policy.UpdatedAt,
        KeyGeneration = policy.KeyGeneration,
        PermittedDatacenters = policy.PermittedDatacenters,
        WrappedFor = [.. policy.WrappedKeys.Select(c => c.DatacenterId)],
        PendingDatacenters = PolicyKeyCopies.Pending(policy.PermittedDatacenters, state.FindWrappingKey),
        Keys = [.. state.KeyIdsOf(policy.Id)],
    };
}
