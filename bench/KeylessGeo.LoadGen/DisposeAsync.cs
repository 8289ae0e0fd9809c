namespace KeylessGeo.LoadGen;

/// <summary>Adapts a synchronous dispose to <see cref="IAsyncDisposable"/>.</summary>
internal sealed class DisposeAsync(Action dispose) : IAsyncDisposable
{
    ValueTask IAsyncDisposable.DisposeAsync()
    {
        dispose();
        return ValueTask.CompletedTask;
    }
}
