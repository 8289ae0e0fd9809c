namespace KeylessGeo.Rpc.Tests.Infrastructure;

/// <summary>Bounds every test: a token that fires well after any healthy run would have finished.</summary>
internal static class TestTimeout
{
    public static CancellationTokenSource Create(int seconds = 30) => new(TimeSpan.FromSeconds(seconds));
}
