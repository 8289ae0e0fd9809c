namespace KeylessGeo.EdgeTls.Tests.Infrastructure;

/// <summary>One running edge (keyserver, agent, nginx with the engine) shared by a test class.</summary>
public sealed class EdgeTlsFixture : IAsyncLifetime
{
    /// <summary>The engine's deadline in the shared stack: generous, since these tests are about success.</summary>
    public const int DeadlineMs = 10_000;

    private EdgeTlsStack? _stack;

    public EdgeTlsStack Stack => _stack ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _stack = await EdgeTlsStack.StartAsync(DeadlineMs, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}
