using System.Text.Json.Serialization;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Model;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// Source-generated JSON for the embedded store's files. Byte arrays are base64, timestamps
/// ISO 8601 with their offset (exact to the tick), enums by name. Nullable annotations and
/// required members are enforced so a damaged file fails to load instead of loading half.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(EmbeddedState))]
[JsonSerializable(typeof(CommitLogRecord))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(KeyserverLease))]
internal sealed partial class EmbeddedJsonContext : JsonSerializerContext;
