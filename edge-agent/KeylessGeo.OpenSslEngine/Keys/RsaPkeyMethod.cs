using System.Runtime.InteropServices;
using KeylessGeo.OpenSslEngine.Agent;
using KeylessGeo.OpenSslEngine.Engine;
using KeylessGeo.OpenSslEngine.Native;

namespace KeylessGeo.OpenSslEngine.Keys;

/// <summary>
/// The EVP_PKEY_METHOD of the engine's RSA keys (attached with <c>EVP_PKEY_set1_engine</c>): a
/// copy of OpenSSL's RSA method whose sign and decrypt go to the keyserver. Sign sees the digest,
/// its type and the padding, so PKCS#1 v1.5 and PSS are sent as such (opcodes 0x02–0x07,
/// 0x35–0x37) and the keyserver pads. Decrypt serves TLS 1.2 RSA key exchange only
/// (<c>RSA_PKCS1_WITH_TLS_PADDING</c>), with the Bleichenbacher counter-measure done here in
/// constant time (<see cref="PremasterSecret"/>).
/// </summary>
internal static unsafe class RsaPkeyMethod
{
    private static readonly int[] Nids = [OpenSslConstants.EvpPkeyRsa];
    private static IntPtr _method;
    private static int* _nids;
    private static delegate* unmanaged<IntPtr, byte*, nuint*, byte*, nuint, int> _defaultSign;
    private static delegate* unmanaged<IntPtr, byte*, nuint*, byte*, nuint, int> _defaultDecrypt;
    private static delegate* unmanaged<IntPtr, int, int, IntPtr, int> _defaultControl;
    private static IntPtr _tlsPaddingMarker;

    /// <summary>
    /// The engine's <c>pkey_meths</c> function: with no method pointer, the list of NIDs (RSA);
    /// otherwise the method for <paramref name="nid"/>.
    /// </summary>
    [UnmanagedCallersOnly]
    public static int Lookup(IntPtr engine, IntPtr* method, int** nids, int nid)
    {
        try
        {
            Build();
            if (method is null)
            {
                *nids = _nids;
                return Nids.Length;
            }

            *method = nid == OpenSslConstants.EvpPkeyRsa ? _method : IntPtr.Zero;
            return *method != IntPtr.Zero ? 1 : 0;
        }
        catch (Exception e)
        {
            EngineErrors.Raise(EngineError.Internal, e.GetType().Name);
            return 0;
        }
    }

    /// <summary>Raises the error for an answer of the wrong length and returns 0.</summary>
    public static int WrongLength(RemoteKey key, int written)
    {
        EngineErrors.Raise(EngineError.ProtocolError, $"the key of {key.CertificatePath}: the answer has {written} bytes, not the modulus length {key.Size}");
        return 0;
    }

    private static void Build()
    {
        if (Volatile.Read(ref _method) != IntPtr.Zero)
        {
            return;
        }

        lock (SetupGate.Gate)
        {
            if (_method == IntPtr.Zero)
            {
                BuildOnce();
            }
        }
    }

    private static void BuildOnce()
    {
        var standard = LibCrypto.EVP_PKEY_meth_find(OpenSslConstants.EvpPkeyRsa);
        var method = LibCrypto.EVP_PKEY_meth_new(OpenSslConstants.EvpPkeyRsa, 2 /* EVP_PKEY_FLAG_AUTOARGLEN */);
        LibCrypto.EVP_PKEY_meth_copy(method, standard);
        IntPtr signInit, sign, decryptInit, decrypt, control, controlString;
        LibCrypto.EVP_PKEY_meth_get_sign(standard, &signInit, &sign);
        LibCrypto.EVP_PKEY_meth_get_decrypt(standard, &decryptInit, &decrypt);
        LibCrypto.EVP_PKEY_meth_get_ctrl(standard, &control, &controlString);
        _defaultSign = (delegate* unmanaged<IntPtr, byte*, nuint*, byte*, nuint, int>)sign;
        _defaultDecrypt = (delegate* unmanaged<IntPtr, byte*, nuint*, byte*, nuint, int>)decrypt;
        _defaultControl = (delegate* unmanaged<IntPtr, int, int, IntPtr, int>)control;
        _tlsPaddingMarker = (IntPtr)NativeMemory.Alloc(1);
        LibCrypto.EVP_PKEY_meth_set_sign(method, signInit, (IntPtr)(delegate* unmanaged<IntPtr, byte*, nuint*, byte*, nuint, int>)&Sign);
        LibCrypto.EVP_PKEY_meth_set_decrypt(method, decryptInit, (IntPtr)(delegate* unmanaged<IntPtr, byte*, nuint*, byte*, nuint, int>)&Decrypt);
        LibCrypto.EVP_PKEY_meth_set_ctrl(method, (IntPtr)(delegate* unmanaged<IntPtr, int, int, IntPtr, int>)&Control, controlString);
        var nids = (int*)NativeMemory.Alloc((nuint)(Nids.Length * sizeof(int)));
        Nids.CopyTo(new Span<int>(nids, Nids.Length));
        _nids = nids;
        Volatile.Write(ref _method, method);
    }

    private static RemoteKey? KeyOf(IntPtr context) => RsaKeyMethod.Find(LibCrypto.EVP_PKEY_get0_RSA(LibCrypto.EVP_PKEY_CTX_get0_pkey(context)));

    private static int Get(IntPtr context, int command, void* value) => _defaultControl(context, command, 0, (IntPtr)value);

    [UnmanagedCallersOnly]
    private static int Sign(IntPtr context, byte* signature, nuint* signatureLength, byte* digest, nuint digestLength)
    {
        try
        {
            if (KeyOf(context) is not { } key)
            {
                return _defaultSign(context, signature, signatureLength, digest, digestLength);
            }

            int padding = 0, saltLength = 0;
            IntPtr md = 0, mgf1 = 0;
            if (Get(context, OpenSslConstants.EvpPkeyCtrlGetRsaPadding, &padding) <= 0 || Get(context, OpenSslConstants.EvpPkeyCtrlGetMd, &md) <= 0 || md == IntPtr.Zero)
            {
                EngineErrors.Raise(EngineError.UnsupportedOperation, "an RSA signature needs a digest type (EVP_PKEY_CTX_set_signature_md)");
                return 0;
            }

            var nid = LibCrypto.EVP_MD_get_type(md);
            var opcode = padding switch
            {
                OpenSslConstants.RsaPkcs1Padding => DigestOpcodes.RsaPkcs1(nid),
                OpenSslConstants.RsaPkcs1PssPadding => PssOpcode(context, nid, LibCrypto.EVP_MD_get_size(md), &saltLength, &mgf1),
                _ => (byte)0,
            };
            if (opcode == 0)
            {
                EngineErrors.Raise(EngineError.UnsupportedOperation,
                    $"RSA signatures with padding {padding}, digest NID {nid} (PSS salt length {saltLength}) are not offered: PKCS#1 v1.5, or PSS with SHA-256/384/512, MGF1 of the same digest and a salt of the digest's length");
                return 0;
            }

            if ((int)digestLength != LibCrypto.EVP_MD_get_size(md))
            {
                EngineErrors.Raise(EngineError.UnsupportedOperation, $"the digest has {digestLength} bytes, not the {LibCrypto.EVP_MD_get_size(md)} of its type");
                return 0;
            }

            if (signature is null)
            {
                *signatureLength = (nuint)key.Size;
                return 1;
            }

            if (*signatureLength < (nuint)key.Size)
            {
                EngineErrors.Raise(EngineError.Internal, "the signature buffer is shorter than the modulus");
                return 0;
            }

            var written = KeylessCall.Run(key, opcode, new ReadOnlySpan<byte>(digest, (int)digestLength), new Span<byte>(signature, key.Size));
            if (written != key.Size)
            {
                return written < 0 ? 0 : WrongLength(key, written);
            }

            *signatureLength = (nuint)written;
            return 1;
        }
        catch (Exception e)
        {
            EngineErrors.Raise(EngineError.Internal, e.GetType().Name);
            return 0;
        }
    }

    private static byte PssOpcode(IntPtr context, int nid, int digestSize, int* saltLength, IntPtr* mgf1)
    {
        if (Get(context, OpenSslConstants.EvpPkeyCtrlGetRsaPssSaltLength, saltLength) <= 0 || Get(context, OpenSslConstants.EvpPkeyCtrlGetRsaMgf1Md, mgf1) <= 0)
        {
            return 0;
        }

        var mgf1Matches = *mgf1 == IntPtr.Zero || LibCrypto.EVP_MD_get_type(*mgf1) == nid;
        var saltMatches = *saltLength == OpenSslConstants.RsaPssSaltLengthDigest || *saltLength == digestSize;
        return mgf1Matches && saltMatches ? DigestOpcodes.RsaPss(nid) : (byte)0;
    }

    [UnmanagedCallersOnly]
    private static int Decrypt(IntPtr context, byte* output, nuint* outputLength, byte* ciphertext, nuint ciphertextLength)
    {
        try
        {
            if (KeyOf(context) is not { } key)
            {
                return _defaultDecrypt(context, output, outputLength, ciphertext, ciphertextLength);
            }

            if (LibCrypto.EVP_PKEY_CTX_get_app_data(context) != _tlsPaddingMarker)
            {
                EngineErrors.Raise(EngineError.UnsupportedOperation, "RSA decryption is offered for TLS key exchange only (RSA_PKCS1_WITH_TLS_PADDING)");
                return 0;
            }

            if (output is null)
            {
                *outputLength = (nuint)key.Size;
                return 1;
            }

            if (*outputLength < PremasterSecret.Length || ciphertextLength > (nuint)key.Size)
            {
                EngineErrors.Raise(EngineError.UnsupportedOperation, $"the ciphertext has {ciphertextLength} bytes for a {key.Size}-byte modulus, or the output buffer is under {PremasterSecret.Length} bytes");
                return 0;
            }

            return PremasterSecret.Decrypt(key, new ReadOnlySpan<byte>(ciphertext, (int)ciphertextLength), new Span<byte>(output, PremasterSecret.Length), outputLength);
        }
        catch (Exception e)
        {
            EngineErrors.Raise(EngineError.Internal, e.GetType().Name);
            return 0;
        }
    }

    /// <summary>
    /// OpenSSL's RSA control, plus <c>RSA_PKCS1_WITH_TLS_PADDING</c>, which the legacy method does
    /// not know: it is remembered in the context's app data and the method is told PKCS#1.
    /// </summary>
    [UnmanagedCallersOnly]
    private static int Control(IntPtr context, int command, int number, IntPtr pointer)
    {
        try
        {
            if (command == OpenSslConstants.EvpPkeyCtrlRsaPadding)
            {
                var tls = number == OpenSslConstants.RsaPkcs1WithTlsPadding;
                LibCrypto.EVP_PKEY_CTX_set_app_data(context, tls ? _tlsPaddingMarker : IntPtr.Zero);
                return _defaultControl(context, command, tls ? OpenSslConstants.RsaPkcs1Padding : number, pointer);
            }

            if (command == OpenSslConstants.EvpPkeyCtrlGetRsaPadding && LibCrypto.EVP_PKEY_CTX_get_app_data(context) == _tlsPaddingMarker)
            {
                *(int*)pointer = OpenSslConstants.RsaPkcs1WithTlsPadding;
                return 1;
            }

            return _defaultControl(context, command, number, pointer);
        }
        catch (Exception e)
        {
            EngineErrors.Raise(EngineError.Internal, e.GetType().Name);
            return 0;
        }
    }
}
