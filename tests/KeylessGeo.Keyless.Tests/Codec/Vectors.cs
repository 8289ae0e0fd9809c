namespace KeylessGeo.Keyless.Tests.Codec;

/// <summary>Requests written by hand from the specification's tables (not by our writer).</summary>
internal static class Vectors
{
    public const string Ski = "000102030405060708090A0B0C0D0E0F10111213";
    public const string Digest = "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF";
    public const string Sha256Payload = "F0E1D2C3B4A5968778695A4B3C2D1E0F00112233445566778899AABBCCDDEEFF";

    /// <summary>ECDSA-SHA256 sign, id 0x01020304, unpadded: opcode, payload, SKI, SNI "example.com", client 192.0.2.1, server 2001:db8::1.</summary>
    public static readonly byte[] EcdsaSign = Wire.Hex($"""
        01 00 00 66 01 02 03 04
        11 0001 15
        12 0020 {Sha256Payload}
        04 0014 {Ski}
        02 000B 6578616D706C652E636F6D
        03 0004 C0000201
        05 0010 20010DB8000000000000000000000001
        """);

    /// <summary>RSA-SHA256 sign, id 7, by certificate digest, padded to 1024 bytes (padding item in the middle).</summary>
    public static readonly byte[] RsaSignPadded = Wire.Concat(
        Wire.Hex($"""
            01 00 03 F8 00 00 00 07
            01 0020 {Digest}
            20 03AB
            """),
        Wire.Repeat(0x5A, 0x3AB),
        Wire.Hex($"""
            11 0001 05
            12 0020 {Sha256Payload}
            """));

    /// <summary>Ping, id 0xFFFFFFFE, with unknown tags 0x7E and 0x00 interleaved, client IPv6 ::1 and server IPv4 10.0.0.1.</summary>
    public static readonly byte[] PingWithUnknownTags = Wire.Hex("""
        01 00 00 32 FF FF FF FE
        7E 0003 AABBCC
        11 0001 F1
        00 0000
        12 0004 70696E67
        7E 0001 DD
        03 0010 00000000000000000000000000000001
        05 0004 0A000001
        """);

    /// <summary>Custom function with every optional item, id 0x10, unpadded.</summary>
    public static readonly byte[] CustomFunctionAllItems = Wire.Hex($"""
        01 00 00 70 00 00 00 10
        11 0001 24
        12 0002 0102
        04 0014 {Ski}
        01 0020 {Digest}
        02 0003 612E62
        03 0004 7F000001
        05 0004 7F000002
        06 0002 4944
        13 0004 66756E63
        14 0003 535550
        15 0004 53504E31
        """);
}
