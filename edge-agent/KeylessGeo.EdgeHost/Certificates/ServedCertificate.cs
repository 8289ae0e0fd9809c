using System.Net.Security;

namespace KeylessGeo.EdgeHost.Certificates;

/// <summary>A certificate ready to serve: its handshake options (certificate, chain, protocols, ALPN) built once.</summary>
/// <param name="Subject">The certificate's subject, for logs.</param>
/// <param name="Keyless">True when its key is in a keyserver (opened through the engine), false for a key on local disk.</param>
/// <param name="Options">The options every handshake with it uses; SslStream copies them, so one instance serves all.</param>
internal sealed record ServedCertificate(string Subject, bool Keyless, SslServerAuthenticationOptions Options);
