using KeylessGeo.ControlPlane.Store.Changes;

namespace KeylessGeo.ControlPlane.Store.Tests.Changes;

public sealed class ChangeFeedRetentionTests
{
    [Fact]
    public void Append_WithinRetention_KeepsEverythingAndTruncatesNothing()
    {
        var (retained, truncatedThrough) = ChangeFeedRetention.Append([Record(1)], [Record(2), Record(2)], 3, 0);

        Assert.Equal([1L, 2L, 2L], retained.Select(r => r.Revision));
        Assert.Equal(0, truncatedThrough);
    }

    [Fact]
    public void Append_PastRetention_DropsTheOldestRevisionsWhole()
    {
        var (retained, truncatedThrough) = ChangeFeedRetention.Append([Record(1), Record(2), Record(2)], [Record(3), Record(3)], 3, 0);

        Assert.Equal([3L, 3L], retained.Select(r => r.Revision));
        Assert.Equal(2, truncatedThrough);
        Assert.True(ChangeFeedRetention.IsTruncated(1, truncatedThrough));
        Assert.False(ChangeFeedRetention.IsTruncated(2, truncatedThrough));
    }

    [Fact]
    public void Append_OfARevisionLargerThanTheRetention_DropsItToo()
    {
        var (retained, truncatedThrough) = ChangeFeedRetention.Append([], [Record(5), Record(5), Record(5)], 2, 4);

        Assert.Empty(retained);
        Assert.Equal(5, truncatedThrough);
    }

    private static ChangeRecord Record(long revision) => new(revision, ChangeKind.Key, $"k{revision}", false);
}
