using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using KeylessGeo.Native;
using KeylessGeo.Serving.Connections;

namespace KeylessGeo.Serving.Keyless.Epoll;

/// <summary>What an epoll connection knows of its peer: its address, and after the handshake its verified certificate's identity and the TLS parameters.</summary>
internal static unsafe class EpollPeer
{
    /// <summary>Room for a <c>sockaddr_in6</c>, the largest address accepted.</summary>
    public const int AddressSize = 28;

    private const ushort AddressFamilyInet6 = 10;

    /// <summary>
    /// <see cref="ClientIdentity"/> of the certificate the client presented (OpenSSL verified it in the
    /// handshake); null when there is none.
    /// </summary>
    public static string? Identity(nint ssl)
    {
        var certificate = LibSsl.GetPeerCertificate(ssl);
        if (certificate == 0)
        {
            return null;
        }

        byte[]? der;
        try
        {
            der = LibX509.Der(certificate);
        }
        finally
        {
            LibX509.Free(certificate);
        }

        if (der is null)
        {
            return null;
        }

        using var parsed = X509CertificateLoader.LoadCertificate(der);
        return ClientIdentity.Of(parsed);
    }

    /// <summary>The address in a <c>sockaddr_in</c> or <c>sockaddr_in6</c> that <c>accept4</c> filled.</summary>
    public static IPEndPoint? RemoteEndPoint(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length < 16)
        {
            return null;
        }

        var family = BinaryPrimitives.ReadUInt16LittleEndian(sockaddr);
        var port = BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]);
        if (family == AddressFamilyInet6 && sockaddr.Length >= AddressSize)
        {
            var address = new IPAddress(sockaddr.Slice(8, 16), BinaryPrimitives.ReadUInt32LittleEndian(sockaddr[24..]));
            return new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port);
        }

        return new IPEndPoint(new IPAddress(sockaddr.Slice(4, 4)), port);
    }

    /// <summary>The negotiated protocol (<c>TLSv1.3</c>) for the connection log.</summary>
    public static string Protocol(nint ssl) => Marshal.PtrToStringUTF8(LibSsl.GetVersion(ssl)) ?? "unknown";

    /// <summary>The negotiated cipher suite's OpenSSL name for the connection log.</summary>
    public static string CipherSuite(nint ssl)
    {
        var cipher = LibSsl.GetCurrentCipher(ssl);
        return cipher == 0 ? "unknown" : Marshal.PtrToStringUTF8(LibSsl.CipherName(cipher)) ?? "unknown";
    }
}
