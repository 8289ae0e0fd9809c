namespace KeylessGeo.KeyServer.Tests.Admission;

/// <summary>Counts work actually done by fake operations.</summary>
internal sealed class WorkCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
