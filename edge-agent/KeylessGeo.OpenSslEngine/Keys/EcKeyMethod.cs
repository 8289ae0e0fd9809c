using System.Runtime.InteropServices;
using KeylessGeo.OpenSslEngine.Agent;
using KeylessGeo.OpenSslEngine.Engine;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Keys;

/// <summary>
/// The EC_KEY_METHOD of the engine's EC keys: OpenSSL's own, except that ECDSA signing sends the
/// digest to the keyserver (opcodes 0x12–0x17, by digest length) and returns its DER signature.
/// </summary>
internal static unsafe class EcKeyMethod
{
    private static IntPtr _method;

    /// <summary>The method, built once.</summary>
    public static IntPtr Method
    {
        get
        {
            if (Volatile.Read(ref _method) != IntPtr.Zero)
            {
                return _method;
            }

            lock (SetupGate.Gate)
            {
                return _method != IntPtr.Zero ? _method : Build();
            }
        }
    }

    private static IntPtr Build()
    {
        var method = LibCrypto.EC_KEY_METHOD_new(LibCrypto.EC_KEY_OpenSSL());
        IntPtr sign, signSetup, signSig;
        LibCrypto.EC_KEY_METHOD_get_sign(method, &sign, &signSetup, &signSig);
        LibCrypto.EC_KEY_METHOD_set_sign(
            method,
            (IntPtr)(delegate* unmanaged<int, byte*, int, byte*, uint*, IntPtr, IntPtr, IntPtr, int>)&Sign,
            signSetup,
            (IntPtr)(delegate* unmanaged<byte*, int, IntPtr, IntPtr, IntPtr, IntPtr>)&SignToSig);
        Volatile.Write(ref _method, method);
        return method;
    }

    [UnmanagedCallersOnly]
    private static int Sign(int type, byte* digest, int digestLength, byte* signature, uint* signatureLength, IntPtr kinv, IntPtr r, IntPtr ec)
    {
        try
        {
            var written = Run(digest, digestLength, ec, signature);
            if (written < 0)
            {
                return 0;
            }

            *signatureLength = (uint)written;
            return 1;
        }
        catch (Exception e)
        {
            EngineErrors.Raise(EngineError.Internal, e.GetType().Name);
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static IntPtr SignToSig(byte* digest, int digestLength, IntPtr kinv, IntPtr r, IntPtr ec)
    {
        try
        {
            var der = stackalloc byte[LibCrypto.ECDSA_size(ec)];
            var written = Run(digest, digestLength, ec, der);
            if (written < 0)
            {
                return IntPtr.Zero;
            }

            var cursor = der;
            return LibCrypto.d2i_ECDSA_SIG(IntPtr.Zero, &cursor, written);
        }
        catch (Exception e)
        {
            EngineErrors.Raise(EngineError.Internal, e.GetType().Name);
            return IntPtr.Zero;
        }
    }

    /// <summary>Signs through the keyserver into <paramref name="der"/> (ECDSA_size bytes); the length, or -1 after an error.</summary>
    private static int Run(byte* digest, int digestLength, IntPtr ec, byte* der)
    {
        if (RemoteKeys.Find(LibCrypto.EC_KEY_get_ex_data(ec, RemoteKeys.EcIndex)) is not { } key)
        {
            EngineErrors.Raise(EngineError.Internal, "the EC key is not one of the engine's");
            return -1;
        }

        var opcode = DigestOpcodes.Ecdsa(digestLength);
        if (opcode == 0)
        {
            EngineErrors.Raise(EngineError.UnsupportedOperation, $"ECDSA signatures of a {digestLength}-byte digest are not offered");
            return -1;
        }

        return KeylessCall.Run(key, opcode, new ReadOnlySpan<byte>(digest, digestLength), new Span<byte>(der, key.Size));
    }
}
