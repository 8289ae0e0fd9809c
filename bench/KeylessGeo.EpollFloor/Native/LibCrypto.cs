using System.Runtime.InteropServices;

namespace KeylessGeo.EpollFloor.Native;

/// <summary>
/// libcrypto.so.3: PEM keys, a signing <c>EVP_PKEY_CTX</c> initialised once per key and loop, the
/// SubjectPublicKeyInfo bits for the SKI
/// (the error queue is KeylessGeo.Native's <see cref="KeylessGeo.Native.OpenSslErrors"/>).
/// </summary>
internal static unsafe partial class LibCrypto
{
    private const string Library = "libcrypto.so.3";

    public const int KeyTypeRsa = 6;
    public const int KeyTypeEc = 408;
    public const int RsaPkcs1Padding = 1;

    [LibraryImport(Library, EntryPoint = "BIO_new_file", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint BioNewFile(string path, string mode);

    [LibraryImport(Library, EntryPoint = "BIO_free")]
    public static partial int BioFree(nint bio);

    [LibraryImport(Library, EntryPoint = "PEM_read_bio_PrivateKey")]
    public static partial nint PemReadPrivateKey(nint bio, nint into, nint passwordCallback, nint callbackArgument);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_get_base_id")]
    public static partial int KeyBaseId(nint key);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_CTX_new_from_pkey")]
    public static partial nint ContextFromKey(nint libraryContext, nint key, nint properties);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_CTX_free")]
    public static partial void ContextFree(nint context);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_sign_init")]
    public static partial int SignInit(nint context);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_verify_init")]
    public static partial int VerifyInit(nint context);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_CTX_set_rsa_padding")]
    public static partial int ContextSetRsaPadding(nint context, int padding);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_CTX_set_signature_md")]
    public static partial int ContextSetSignatureDigest(nint context, nint digest);

    [LibraryImport(Library, EntryPoint = "EVP_sha256")]
    public static partial nint Sha256();

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_sign")]
    public static partial int Sign(nint context, byte* signature, nuint* signatureLength, byte* digest, nuint digestLength);

    [LibraryImport(Library, EntryPoint = "EVP_PKEY_verify")]
    public static partial int Verify(nint context, byte* signature, nuint signatureLength, byte* digest, nuint digestLength);

    [LibraryImport(Library, EntryPoint = "X509_PUBKEY_set")]
    public static partial int PublicKeySet(nint* publicKey, nint key);

    [LibraryImport(Library, EntryPoint = "X509_PUBKEY_get0_param")]
    public static partial int PublicKeyParameters(nint* algorithmObject, byte** bits, int* bitsLength, nint* algorithm, nint publicKey);

    [LibraryImport(Library, EntryPoint = "X509_PUBKEY_free")]
    public static partial void PublicKeyFree(nint publicKey);
}
