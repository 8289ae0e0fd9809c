namespace KeylessGeo.EpollFloor.Protocol;

/// <summary>
/// The parts of the Keyless wire format this floor serves (services/KeylessGeo.Keyless/README.md):
/// an 8-byte header (version, reserved, body length, request id), then tag-length-value items.
/// </summary>
internal static class KeylessWire
{
    public const int Header = 8;
    public const int ItemHeader = 3;
    public const int MaxBody = 65535;
    public const int MaxFrame = Header + MaxBody;

    /// <summary>Where a reply's payload starts: header, opcode item (3 + 1), payload item header.</summary>
    public const int ReplyPayload = Header + ItemHeader + 1 + ItemHeader;

    public const int DigestLength = 32;

    public const byte TagSki = 0x04;
    public const byte TagOpcode = 0x11;
    public const byte TagPayload = 0x12;

    public const byte OpRsaSignSha256 = 0x05;
    public const byte OpEcdsaSignSha256 = 0x15;
    public const byte OpResponse = 0xF0;
    public const byte OpPing = 0xF1;
    public const byte OpPong = 0xF2;
    public const byte OpError = 0xFF;

    public const byte ErrorCrypto = 0x01;
    public const byte ErrorKeyNotFound = 0x02;
    public const byte ErrorVersion = 0x04;
    public const byte ErrorBadOpcode = 0x05;
    public const byte ErrorUnexpectedOpcode = 0x06;
    public const byte ErrorFormat = 0x07;
}
