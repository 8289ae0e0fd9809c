namespace KeylessGeo.EdgeAgent.Tests.Infrastructure;

/// <summary>Disposes every item.</summary>
public sealed class DisposableList<T>(IReadOnlyList<T> items) : IDisposable
    where T : IDisposable
{
    public IReadOnlyList<T> Items { get; } = items;

    public void Dispose()
    {
        foreach (var item in Items)
        {
            item.Dispose();
        }
    }
}
