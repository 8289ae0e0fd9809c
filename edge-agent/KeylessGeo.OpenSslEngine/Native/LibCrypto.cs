using System.Runtime.InteropServices;

namespace KeylessGeo.OpenSslEngine.Native;

/// <summary>
/// The libcrypto (OpenSSL 3) functions the engine calls. The library is the one the host process
/// already loaded (nginx, or .NET's own OpenSSL shim), so engine, keys and methods share one
/// OpenSSL state; <see cref="Engine.EngineExports"/> refuses to bind otherwise.
/// </summary>
internal static unsafe partial class LibCrypto
{
    private const string Library = "libcrypto.so.3";

    // ENGINE
    [LibraryImport(Library)] internal static partial int ENGINE_set_id(IntPtr e, byte* id);
    [LibraryImport(Library)] internal static partial int ENGINE_set_name(IntPtr e, byte* name);
    [LibraryImport(Library)] internal static partial int ENGINE_set_flags(IntPtr e, int flags);
    [LibraryImport(Library)] internal static partial int ENGINE_set_init_function(IntPtr e, delegate* unmanaged<IntPtr, int> init);
    [LibraryImport(Library)] internal static partial int ENGINE_set_ctrl_function(IntPtr e, delegate* unmanaged<IntPtr, int, nint, IntPtr, IntPtr, int> ctrl);
    [LibraryImport(Library)] internal static partial int ENGINE_set_cmd_defns(IntPtr e, IntPtr defns);
    [LibraryImport(Library)] internal static partial int ENGINE_set_load_privkey_function(IntPtr e, delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr, IntPtr> load);
    [LibraryImport(Library)] internal static partial int ENGINE_set_load_pubkey_function(IntPtr e, delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr, IntPtr> load);
    [LibraryImport(Library)] internal static partial int ENGINE_set_pkey_meths(IntPtr e, delegate* unmanaged<IntPtr, IntPtr*, int**, int, int> meths);
    [LibraryImport(Library)] internal static partial IntPtr ENGINE_get_static_state();

    // Errors
    [LibraryImport(Library)] internal static partial int ERR_get_next_error_library();
    [LibraryImport(Library)] internal static partial int ERR_load_strings(int lib, IntPtr strings);
    [LibraryImport(Library)] internal static partial void ERR_new();
    [LibraryImport(Library)] internal static partial void ERR_set_debug(byte* file, int line, byte* func);

    /// <summary>Variadic in C; called with exactly one <c>%s</c> argument, which the x86-64 System V ABI passes like a fixed one.</summary>
    [LibraryImport(Library)] internal static partial void ERR_set_error(int lib, int reason, byte* format, byte* argument);

    // Certificates
    [LibraryImport(Library)] internal static partial IntPtr BIO_new_file(byte* path, byte* mode);
    [LibraryImport(Library)] internal static partial int BIO_free(IntPtr bio);
    [LibraryImport(Library)] internal static partial IntPtr PEM_read_bio_X509(IntPtr bio, IntPtr x, IntPtr callback, IntPtr userData);
    [LibraryImport(Library)] internal static partial void X509_free(IntPtr x);
    [LibraryImport(Library)] internal static partial IntPtr X509_get0_pubkey(IntPtr x);
    [LibraryImport(Library)] internal static partial IntPtr X509_get0_pubkey_bitstr(IntPtr x);
    [LibraryImport(Library)] internal static partial byte* ASN1_STRING_get0_data(IntPtr s);
    [LibraryImport(Library)] internal static partial int ASN1_STRING_length(IntPtr s);

    // Keys
    [LibraryImport(Library)] internal static partial IntPtr EVP_PKEY_new();
    [LibraryImport(Library)] internal static partial void EVP_PKEY_free(IntPtr pkey);
    [LibraryImport(Library)] internal static partial int EVP_PKEY_get_base_id(IntPtr pkey);
    [LibraryImport(Library)] internal static partial int EVP_PKEY_assign(IntPtr pkey, int type, IntPtr key);
    [LibraryImport(Library)] internal static partial int EVP_PKEY_set1_engine(IntPtr pkey, IntPtr engine);
    [LibraryImport(Library)] internal static partial IntPtr EVP_PKEY_get1_RSA(IntPtr pkey);
    [LibraryImport(Library)] internal static partial IntPtr EVP_PKEY_get0_RSA(IntPtr pkey);
    [LibraryImport(Library)] internal static partial IntPtr EVP_PKEY_get1_EC_KEY(IntPtr pkey);
    [LibraryImport(Library)] internal static partial int CRYPTO_get_ex_new_index(int classIndex, nint argl, IntPtr argp, IntPtr newFunc, IntPtr dupFunc, IntPtr freeFunc);

    // RSA
    [LibraryImport(Library)] internal static partial IntPtr RSA_new();
    [LibraryImport(Library)] internal static partial void RSA_free(IntPtr rsa);
    [LibraryImport(Library)] internal static partial int RSA_size(IntPtr rsa);
    [LibraryImport(Library)] internal static partial void RSA_get0_key(IntPtr rsa, IntPtr* n, IntPtr* e, IntPtr* d);
    [LibraryImport(Library)] internal static partial int RSA_set0_key(IntPtr rsa, IntPtr n, IntPtr e, IntPtr d);
    [LibraryImport(Library)] internal static partial int RSA_set_method(IntPtr rsa, IntPtr method);
    [LibraryImport(Library)] internal static partial int RSA_set_ex_data(IntPtr rsa, int index, IntPtr data);
    [LibraryImport(Library)] internal static partial IntPtr RSA_get_ex_data(IntPtr rsa, int index);
    [LibraryImport(Library)] internal static partial IntPtr RSA_PKCS1_OpenSSL();
    [LibraryImport(Library)] internal static partial IntPtr RSA_meth_dup(IntPtr method);
    [LibraryImport(Library)] internal static partial int RSA_meth_set1_name(IntPtr method, byte* name);
    [LibraryImport(Library)] internal static partial int RSA_meth_get_flags(IntPtr method);
    [LibraryImport(Library)] internal static partial int RSA_meth_set_flags(IntPtr method, int flags);
    [LibraryImport(Library)] internal static partial int RSA_meth_set_priv_enc(IntPtr method, delegate* unmanaged<int, byte*, byte*, IntPtr, int, int> privEnc);
    [LibraryImport(Library)] internal static partial int RSA_meth_set_priv_dec(IntPtr method, delegate* unmanaged<int, byte*, byte*, IntPtr, int, int> privDec);
    [LibraryImport(Library)] internal static partial int RSA_meth_set_sign(IntPtr method, delegate* unmanaged<int, byte*, uint, byte*, uint*, IntPtr, int> sign);

    // EC
    [LibraryImport(Library)] internal static partial IntPtr EC_KEY_new();
    [LibraryImport(Library)] internal static partial void EC_KEY_free(IntPtr key);
    [LibraryImport(Library)] internal static partial IntPtr EC_KEY_get0_group(IntPtr key);
    [LibraryImport(Library)] internal static partial int EC_KEY_set_group(IntPtr key, IntPtr group);
    [LibraryImport(Library)] internal static partial IntPtr EC_KEY_get0_public_key(IntPtr key);
    [LibraryImport(Library)] internal static partial int EC_KEY_set_public_key(IntPtr key, IntPtr point);
    [LibraryImport(Library)] internal static partial int EC_KEY_set_method(IntPtr key, IntPtr method);
    [LibraryImport(Library)] internal static partial int EC_KEY_set_ex_data(IntPtr key, int index, IntPtr data);
    [LibraryImport(Library)] internal static partial IntPtr EC_KEY_get_ex_data(IntPtr key, int index);
    [LibraryImport(Library)] internal static partial IntPtr EC_KEY_OpenSSL();
    [LibraryImport(Library)] internal static partial IntPtr EC_KEY_METHOD_new(IntPtr method);
    [LibraryImport(Library)] internal static partial void EC_KEY_METHOD_get_sign(IntPtr method, IntPtr* sign, IntPtr* signSetup, IntPtr* signSig);
    [LibraryImport(Library)] internal static partial void EC_KEY_METHOD_set_sign(IntPtr method, IntPtr sign, IntPtr signSetup, IntPtr signSig);
    [LibraryImport(Library)] internal static partial int ECDSA_size(IntPtr key);
    [LibraryImport(Library)] internal static partial IntPtr d2i_ECDSA_SIG(IntPtr sig, byte** input, nint length);

    // EVP_PKEY_METHOD
    [LibraryImport(Library)] internal static partial IntPtr EVP_PKEY_meth_find(int type);
    [LibraryImport(Library)] internal static partial IntPtr EVP_PKEY_meth_new(int id, int flags);
    [LibraryImport(Library)] internal static partial void EVP_PKEY_meth_copy(IntPtr destination, IntPtr source);
    [LibraryImport(Library)] internal static partial void EVP_PKEY_meth_get_sign(IntPtr method, IntPtr* signInit, IntPtr* sign);
    [LibraryImport(Library)] internal static partial void EVP_PKEY_meth_set_sign(IntPtr method, IntPtr signInit, IntPtr sign);
    [LibraryImport(Library)] internal static partial void EVP_PKEY_meth_get_decrypt(IntPtr method, IntPtr* decryptInit, IntPtr* decrypt);
    [LibraryImport(Library)] internal static partial void EVP_PKEY_meth_set_decrypt(IntPtr method, IntPtr decryptInit, IntPtr decrypt);
    [LibraryImport(Library)] internal static partial void EVP_PKEY_meth_get_ctrl(IntPtr method, IntPtr* ctrl, IntPtr* ctrlString);
    [LibraryImport(Library)] internal static partial void EVP_PKEY_meth_set_ctrl(IntPtr method, IntPtr ctrl, IntPtr ctrlString);
    [LibraryImport(Library)] internal static partial IntPtr EVP_PKEY_CTX_get0_pkey(IntPtr ctx);
    [LibraryImport(Library)] internal static partial IntPtr EVP_PKEY_CTX_get_app_data(IntPtr ctx);
    [LibraryImport(Library)] internal static partial void EVP_PKEY_CTX_set_app_data(IntPtr ctx, IntPtr data);

    // Digests, numbers, randomness
    [LibraryImport(Library)] internal static partial int EVP_MD_get_type(IntPtr md);
    [LibraryImport(Library)] internal static partial int EVP_MD_get_size(IntPtr md);
    [LibraryImport(Library)] internal static partial IntPtr EVP_sha1();
    [LibraryImport(Library)] internal static partial IntPtr EVP_sha256();
    [LibraryImport(Library)] internal static partial int EVP_Digest(byte* data, nint count, byte* md, uint* size, IntPtr type, IntPtr engine);
    [LibraryImport(Library)] internal static partial IntPtr BN_dup(IntPtr bn);
    [LibraryImport(Library)] internal static partial void BN_free(IntPtr bn);
    [LibraryImport(Library)] internal static partial IntPtr BN_bn2hex(IntPtr bn);
    [LibraryImport(Library)] internal static partial void CRYPTO_free(IntPtr pointer, byte* file, int line);
    [LibraryImport(Library)] internal static partial int RAND_bytes(byte* buffer, int count);
}
