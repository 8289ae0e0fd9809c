using Microsoft.Win32.SafeHandles;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>An owned OpenSSL <c>EVP_PKEY_CTX*</c>.</summary>
internal sealed class SafeEvpPKeyCtxHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeEvpPKeyCtxHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        LibCrypto.EVP_PKEY_CTX_free(handle);
        return true;
    }
}
