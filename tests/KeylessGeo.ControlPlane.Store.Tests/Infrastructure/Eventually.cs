namespace KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

/// <summary>
/// Polls a condition that real time makes true (a PostgreSQL lease reaching its expiry), with a
/// bound on the whole wait: the assertion is on the condition, never on how long it took.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static async Task<T> MatchAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), bound.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{what} did not happen within {Bound}");
            }
        }
    }
}
