using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace KeylessGeo.KeyServer.Keys.Pkcs11;

/// <summary>An open, logged-in session and the token epoch it was opened in (see <see cref="Pkcs11Token.Epoch"/>).</summary>
/// <param name="Session">The session.</param>
/// <param name="Epoch">The token's epoch when the session was opened; a later epoch means the session is stale.</param>
internal sealed record Pkcs11PooledSession(ISession Session, long Epoch);
