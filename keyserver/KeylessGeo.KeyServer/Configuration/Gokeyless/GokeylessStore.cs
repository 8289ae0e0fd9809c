namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>One gokeyless key store: a folder (<c>dir</c>), a single key file (<c>file</c>) or a URI (<c>uri</c>).</summary>
/// <param name="Kind"><c>dir</c>, <c>file</c> or <c>uri</c>.</param>
/// <param name="Value">The folder or file (resolved to a full path) or the URI.</param>
/// <param name="Origin">Where it was written, for messages (<c>/etc/keyless/gokeyless.yaml line 14</c>).</param>
internal sealed record GokeylessStore(string Kind, string Value, string Origin);
