using System.Text.Json.Serialization;

namespace KeylessGeo.KeyServer.Cluster.Membership;

/// <summary>Source-generated JSON for the stored membership shapes (camelCase, enums as text by construction).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(FileMembershipDocument))]
[JsonSerializable(typeof(MembershipEntryDocument))]
internal sealed partial class MembershipJsonContext : JsonSerializerContext;
