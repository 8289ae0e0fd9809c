using System.Runtime.InteropServices;
using KeylessGeo.OpenSslEngine.Agent;
using KeylessGeo.OpenSslEngine.Engine;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Keys;

/// <summary>
/// The RSA_METHOD of the engine's RSA keys: OpenSSL's own for the public operations;
/// <c>RSA_sign</c> (PKCS#1 v1.5 of a digest) goes to the keyserver; the raw private operations
/// (<c>RSA_private_encrypt/decrypt</c>) are refused, so no caller can use the key as a raw RSA
/// or padding oracle. TLS reaches the key through <see cref="RsaPkeyMethod"/>.
/// </summary>
internal static unsafe class RsaKeyMethod
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
        var method = LibCrypto.RSA_meth_dup(LibCrypto.RSA_PKCS1_OpenSSL());
        // UTF-8 literals are stored with a terminating zero, so the pointer is a C string.
        fixed (byte* name = "keylessgeo"u8)
        {
            LibCrypto.RSA_meth_set1_name(method, name);
        }

        LibCrypto.RSA_meth_set_flags(method, LibCrypto.RSA_meth_get_flags(method) | OpenSslConstants.RsaFlagExternalKey);
        LibCrypto.RSA_meth_set_priv_enc(method, &RefusePrivateOperation);
        LibCrypto.RSA_meth_set_priv_dec(method, &RefusePrivateOperation);
        LibCrypto.RSA_meth_set_sign(method, &Sign);
        Volatile.Write(ref _method, method);
        return method;
    }

    /// <summary>The key behind an OpenSSL RSA, or null when it is not the engine's.</summary>
    public static RemoteKey? Find(IntPtr rsa) =>
        rsa == IntPtr.Zero ? null : RemoteKeys.Find(LibCrypto.RSA_get_ex_data(rsa, RemoteKeys.RsaIndex));

    [UnmanagedCallersOnly]
    private static int RefusePrivateOperation(int length, byte* from, byte* to, IntPtr rsa, int padding)
    {
        EngineErrors.Raise(EngineError.UnsupportedOperation, $"raw RSA private operations (padding {padding}) are not offered; sign or decrypt through EVP");
        return -1;
    }

    [UnmanagedCallersOnly]
    private static int Sign(int type, byte* digest, uint digestLength, byte* signature, uint* signatureLength, IntPtr rsa)
    {
        try
        {
            if (Find(rsa) is not { } key)
            {
                EngineErrors.Raise(EngineError.Internal, "the RSA key is not one of the engine's");
                return 0;
            }

            var opcode = DigestOpcodes.RsaPkcs1(type);
            if (opcode == 0)
            {
                EngineErrors.Raise(EngineError.UnsupportedOperation, $"RSA PKCS#1 signatures of digest NID {type} are not offered");
                return 0;
            }

            var written = KeylessCall.Run(key, opcode, new ReadOnlySpan<byte>(digest, (int)digestLength), new Span<byte>(signature, key.Size));
            if (written != key.Size)
            {
                return written < 0 ? 0 : RsaPkeyMethod.WrongLength(key, written);
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
}
