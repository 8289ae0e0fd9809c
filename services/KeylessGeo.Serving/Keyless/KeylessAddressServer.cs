using System.Collections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// Kestrel, with the Keyless endpoint's address named for what it speaks. Kestrel reports every
/// endpoint as <c>https://</c> or <c>http://</c>, and the host logs them as such ("Now listening on:
/// https://0.0.0.0:2407"), which is wrong for the Keyless protocol: it is TLS (or plain TCP on a
/// local port), not HTTP. The server's addresses (what the host logs, what <c>app.Urls</c> lists)
/// name it <c>keyless+tls://</c> or <c>keyless://</c> instead; everything else is Kestrel's own.
/// </summary>
internal sealed class KeylessAddressServer : IServer
{
    private readonly IServer _inner;
    private readonly FeatureCollection _features;

    public KeylessAddressServer(IServer inner, KeylessListenerState state)
    {
        _inner = inner;
        _features = new FeatureCollection(inner.Features);
        if (inner.Features.Get<IServerAddressesFeature>() is { } addresses)
        {
            _features.Set<IServerAddressesFeature>(new AddressesFeature(addresses, state));
        }
    }

    public IFeatureCollection Features => _features;

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull => _inner.StartAsync(application, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _inner.StopAsync(cancellationToken);

    public void Dispose() => _inner.Dispose();

    /// <summary>The address Kestrel reports for an endpoint, renamed when it is the Keyless endpoint.</summary>
    internal static string Name(string address, KeylessListenerState state)
    {
        if (state.EndPoint is not { } keyless || !Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Port != keyless.Port
            || !System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var host) || !host.Equals(keyless.Address))
        {
            return address;
        }

        return (uri.Scheme == Uri.UriSchemeHttps ? "keyless+tls://" : "keyless://") + uri.Authority;
    }

    private sealed class AddressesFeature(IServerAddressesFeature inner, KeylessListenerState state) : IServerAddressesFeature
    {
        public ICollection<string> Addresses { get; } = new View(inner.Addresses, state);

        public bool PreferHostingUrls
        {
            get => inner.PreferHostingUrls;
            set => inner.PreferHostingUrls = value;
        }
    }

    // Changes go to Kestrel's own collection (configured URLs before start); reading renames.
    private sealed class View(ICollection<string> inner, KeylessListenerState state) : ICollection<string>
    {
        public int Count => inner.Count;

        public bool IsReadOnly => inner.IsReadOnly;

        public void Add(string item) => inner.Add(item);

        public void Clear() => inner.Clear();

        public bool Contains(string item) => inner.Contains(item) || inner.Any(a => Name(a, state) == item);

        public void CopyTo(string[] array, int arrayIndex) => this.ToList().CopyTo(array, arrayIndex);

        public bool Remove(string item) => inner.Remove(item);

        public IEnumerator<string> GetEnumerator() => inner.Select(a => Name(a, state)).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
