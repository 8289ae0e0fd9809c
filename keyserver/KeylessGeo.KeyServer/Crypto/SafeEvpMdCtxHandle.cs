using Microsoft.Win32.SafeHandles;

namespace KeylessGeo.KeyServer.Crypto;

/// <summary>An owned OpenSSL <c>EVP_MD_CTX*</c>.</summary>
internal sealed class SafeEvpMdCtxHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeEvpMdCtxHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        LibCrypto.EVP_MD_CTX_free(handle);
        return true;
    }
}
