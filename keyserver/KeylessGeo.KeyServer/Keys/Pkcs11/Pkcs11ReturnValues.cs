using Net.Pkcs11Interop.Common;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>How the keyserver treats each kind of <c>CKR_*</c> failure.</summary>
internal static class Pkcs11ReturnValues
{
    /// <summary>
    /// The token rejected the request's input (a ciphertext that does not decrypt, a value out of
    /// range): the same <c>CRYPTO_FAILURE</c> a key file gives, and the session stays usable.
    /// </summary>
    public static bool IsInputRejected(CKR rv) => rv is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE
        or CKR.CKR_DATA_INVALID or CKR.CKR_DATA_LEN_RANGE;

    /// <summary>The key's object handle is no longer valid (the token was re-opened): find the object again.</summary>
    public static bool IsStaleHandle(CKR rv) => rv is CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID;

    /// <summary>
    /// The token as a whole is gone or unusable (removed, logged out, sessions closed, module
    /// reset): every session is closed and the token is opened and logged in again on next use.
    /// </summary>
    public static bool IsTokenLost(CKR rv) => rv is CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_TOKEN_NOT_RECOGNIZED or CKR.CKR_DEVICE_REMOVED
        or CKR.CKR_DEVICE_ERROR or CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_USER_NOT_LOGGED_IN
        or CKR.CKR_CRYPTOKI_NOT_INITIALIZED or CKR.CKR_SLOT_ID_INVALID or CKR.CKR_GENERAL_ERROR or CKR.CKR_DEVICE_MEMORY;

    /// <summary>The PIN itself was refused: it is not offered again unchanged (a token may lock after a few wrong PINs).</summary>
    public static bool IsPinRejected(CKR rv) => rv is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE
        or CKR.CKR_PIN_EXPIRED or CKR.CKR_PIN_LOCKED;
}
