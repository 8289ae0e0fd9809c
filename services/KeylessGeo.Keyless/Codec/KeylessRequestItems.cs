using System.Buffers;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Codec;

/// <summary>
/// The items of a message body, as slices of the body (no copy; valid as long as the body
/// is). An absent item is an empty sequence; <see cref="Present"/> tells an absent item from
/// an empty one.
/// </summary>
public struct KeylessRequestItems
{
    /// <summary>The known items that were present.</summary>
    public KeylessItems Present { get; internal set; }

    /// <summary>The opcode; meaningful when <see cref="HasOpcode"/>.</summary>
    public KeylessOpcode Opcode { get; internal set; }

    /// <summary>True when the body held an opcode item.</summary>
    public readonly bool HasOpcode => (Present & KeylessItems.Opcode) != 0;

    /// <summary>The payload (tag 0x12).</summary>
    public ReadOnlySequence<byte> Payload { get; internal set; }

    /// <summary>The SKI (tag 0x04): 20 bytes when present.</summary>
    public ReadOnlySequence<byte> Ski { get; internal set; }

    /// <summary>The certificate digest (tag 0x01): 32 bytes when present.</summary>
    public ReadOnlySequence<byte> CertificateDigest { get; internal set; }

    /// <summary>The SNI (tag 0x02), unvalidated: any bytes.</summary>
    public ReadOnlySequence<byte> ServerName { get; internal set; }

    /// <summary>The client IP (tag 0x03): 4 or 16 bytes when present.</summary>
    public ReadOnlySequence<byte> ClientIp { get; internal set; }

    /// <summary>The server IP (tag 0x05): 4 or 16 bytes when present.</summary>
    public ReadOnlySequence<byte> ServerIp { get; internal set; }

    /// <summary>The certificate id (tag 0x06), opaque.</summary>
    public ReadOnlySequence<byte> CertificateId { get; internal set; }

    /// <summary>The custom function name (tag 0x13).</summary>
    public ReadOnlySequence<byte> CustomFunctionName { get; internal set; }

    /// <summary>The supplemental payload (tag 0x14).</summary>
    public ReadOnlySequence<byte> SupplementalPayload { get; internal set; }

    /// <summary>The tracing span context (tag 0x15), opaque.</summary>
    public ReadOnlySequence<byte> SpanContext { get; internal set; }

    /// <summary>The number of items with a tag this codec does not know (skipped).</summary>
    public int UnknownItemCount { get; internal set; }

    /// <summary>True when <paramref name="item"/> was present.</summary>
    public readonly bool Has(KeylessItems item) => (Present & item) == item;
}
