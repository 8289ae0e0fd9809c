using System.Text;
using System.Text.Json;
using KeylessGeo.ControlPlane.State;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A control-plane state written out in full as text (records as JSON, key entries, indexes and
/// per-record revisions), so two states compare by content and a difference shows where.
/// </summary>
internal static class StateDescription
{
    public static string Of(ControlPlaneState state)
    {
        var text = new StringBuilder();
        text.AppendLine($"revision {state.Revision}");
        foreach (var datacenter in state.Datacenters)
        {
            text.AppendLine("datacenter " + JsonSerializer.Serialize(datacenter));
        }

        foreach (var key in state.WrappingKeys)
        {
            text.AppendLine("wrapping key " + JsonSerializer.Serialize(key));
        }

        foreach (var policy in state.Policies)
        {
            text.AppendLine("policy " + JsonSerializer.Serialize(policy));
            text.AppendLine($"  keys {string.Join(",", state.KeyIdsOf(policy.Id))}");
        }

        foreach (var keyId in state.KeyIds.Order(StringComparer.Ordinal))
        {
            Assert.True(state.TryGetKey(keyId, out var entry));
            var (revision, exact) = state.StateRevisionOf(keyId, entry.PolicyId);
            text.AppendLine($"key {keyId} policy {entry.PolicyId} ski {Convert.ToHexStringLower(entry.Ski)} "
                + $"same-ski {string.Join(",", state.KeyIdsWithSki(entry.Ski))} state-revision {revision} exact {exact}");
        }

        text.AppendLine($"counts {state.PolicyCount} policies {state.KeyCount} keys");
        return text.ToString();
    }
}
