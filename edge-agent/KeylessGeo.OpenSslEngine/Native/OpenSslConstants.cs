namespace KeylessGeo.OpenSslEngine.Native;

/// <summary>The OpenSSL 3.0 header constants the engine uses (openssl/*.h).</summary>
internal static class OpenSslConstants
{
    internal const int EvpPkeyRsa = 6;            // NID_rsaEncryption
    internal const int EvpPkeyEc = 408;           // NID_X9_62_id_ecPublicKey

    internal const int NidMd5Sha1 = 114;
    internal const int NidSha1 = 64;
    internal const int NidSha224 = 675;
    internal const int NidSha256 = 672;
    internal const int NidSha384 = 673;
    internal const int NidSha512 = 674;

    internal const int RsaPkcs1Padding = 1;
    internal const int RsaNoPadding = 3;
    internal const int RsaPkcs1PssPadding = 6;
    internal const int RsaPkcs1WithTlsPadding = 7;
    internal const int RsaPssSaltLengthDigest = -1;
    internal const int RsaFlagExternalKey = 0x0020;   // RSA_FLAG_EXT_PKEY: the private half is elsewhere

    internal const int EvpPkeyAlgCtrl = 0x1000;
    internal const int EvpPkeyCtrlGetMd = 13;
    internal const int EvpPkeyCtrlRsaPadding = EvpPkeyAlgCtrl + 1;
    internal const int EvpPkeyCtrlGetRsaPadding = EvpPkeyAlgCtrl + 6;
    internal const int EvpPkeyCtrlGetRsaPssSaltLength = EvpPkeyAlgCtrl + 7;
    internal const int EvpPkeyCtrlGetRsaMgf1Md = EvpPkeyAlgCtrl + 8;

    internal const int CryptoExIndexEcKey = 8;
    internal const int CryptoExIndexRsa = 9;

    internal const int EngineFlagsNoRegisterAll = 0x0008;
    internal const int EngineCmdBase = 200;
    internal const uint EngineCmdFlagNumeric = 0x0001;
    internal const uint EngineCmdFlagString = 0x0002;

    internal const ulong DynamicVersion = 0x00030000;   // OSSL_DYNAMIC_VERSION
    internal const ulong DynamicOldest = 0x00030000;    // OSSL_DYNAMIC_OLDEST
}
