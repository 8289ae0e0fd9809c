using System.Buffers;
using System.Text;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;

namespace KeylessGeo.Serving.Keyless;

/// <summary>The items of a Keyless request as the signing core's <see cref="SignRequest"/>.</summary>
public static class KeylessRequestMapper
{
    /// <summary>
    /// SNI bytes decoded at most. A host name is at most 253 characters (254 with a trailing
    /// dot); anything longer is not one whatever follows, so decoding 255 bytes keeps every
    /// name's verdict while bounding the work a hostile 64 KiB SNI can cause.
    /// </summary>
    internal const int MaxServerNameBytes = 255;

    /// <summary>
    /// Builds the request. Identifiers are copied (the frame's buffer is reused once the
    /// reader moves on). The SNI is passed on as text only for the core's lookup, which ignores
    /// anything that is not a valid host name: invalid UTF-8 decodes to U+FFFD, which no host
    /// name contains, so it is ignored too and never turns the request into an error.
    /// </summary>
    public static SignRequest ToSignRequest(uint id, Operation operation, in KeylessRequestItems items)
    {
        var key = new KeyRef();
        if (items.Has(KeylessItems.Ski))
        {
            key.Ski = Copy(items.Ski);
        }

        if (items.Has(KeylessItems.CertificateDigest))
        {
            key.CertDigest = Copy(items.CertificateDigest);
        }

        if (!items.ServerName.IsEmpty)
        {
            key.Sni = ServerNameText(items.ServerName);
        }

        if (items.Has(KeylessItems.ClientIp))
        {
            key.ClientIp = Copy(items.ClientIp);
        }

        if (items.Has(KeylessItems.ServerIp))
        {
            key.ServerIp = Copy(items.ServerIp);
        }

        return new SignRequest { Id = id, Key = key, Operation = operation, Payload = Copy(items.Payload) };
    }

    /// <summary>The SNI's first <see cref="MaxServerNameBytes"/> bytes as text, invalid UTF-8 replaced by U+FFFD.</summary>
    internal static string ServerNameText(in ReadOnlySequence<byte> serverName)
    {
        var length = (int)Math.Min(serverName.Length, MaxServerNameBytes);
        Span<byte> bytes = stackalloc byte[MaxServerNameBytes];
        serverName.Slice(0, length).CopyTo(bytes);
        return Encoding.UTF8.GetString(bytes[..length]);
    }

    private static ByteString Copy(in ReadOnlySequence<byte> data) => data.IsSingleSegment
        ? ByteString.CopyFrom(data.FirstSpan)
        : UnsafeByteOperations.UnsafeWrap(data.ToArray());
}
