using System.Text.Json;
using KeylessGeo.ControlPlane.Store.Audit;
using KeylessGeo.ControlPlane.Store.Integrity;

namespace KeylessGeo.ControlPlane.Store.Embedded;

/// <summary>
/// Verifies <c>audit.log</c> lines as a scan delivers them, each against the entry before it,
/// up to the committed count; stops at the first line that does not parse or does not chain.
/// </summary>
internal sealed class ChainVerifier
{
    private readonly AuditProblems _problems;
    private readonly long _committed;
    private readonly bool _keepLines;

    /// <param name="problems">Describes what it finds.</param>
    /// <param name="previous">The verified entry the lines follow (null: the lines start the log).</param>
    /// <param name="committed">The sequence of the last committed entry; later lines are not looked at.</param>
    /// <param name="keepLines">Whether to keep every accepted line (to hash them once all verified).</param>
    public ChainVerifier(AuditProblems problems, AuditEntry? previous, long committed, bool keepLines)
    {
        _problems = problems;
        _committed = committed;
        _keepLines = keepLines;
        Previous = previous;
        Count = previous?.Sequence ?? 0;
    }

    /// <summary>The last verified entry.</summary>
    public AuditEntry? Previous { get; private set; }

    /// <summary>The sequence of the last verified entry.</summary>
    public long Count { get; private set; }

    /// <summary>The last verified line.</summary>
    public byte[] LastLine { get; private set; } = [];

    /// <summary>Every accepted line, when kept.</summary>
    public List<byte[]> Lines { get; } = [];

    /// <summary>What stopped verification, if anything did.</summary>
    public StoreIntegrityProblem? Problem { get; private set; }

    /// <summary>Takes the next line; false once nothing more should be read.</summary>
    public bool Accept(byte[] line)
    {
        if (Count >= _committed)
        {
            return false;
        }

        var sequence = Count + 1;
        AuditEntry? entry;
        try
        {
            entry = JsonSerializer.Deserialize(line.AsSpan(0, line.Length - 1), EmbeddedJsonContext.Default.AuditEntry);
        }
        catch (JsonException e)
        {
            Problem = _problems.Unreadable(sequence, e.Message);
            return false;
        }

        if (entry is null)
        {
            Problem = _problems.Unreadable(sequence, "the line holds null");
            return false;
        }

        if (AuditLinks.Check(Previous, entry) is { } failure)
        {
            Problem = _problems.ChainBroken(failure);
            return false;
        }

        Previous = entry;
        Count = sequence;
        LastLine = line;
        if (_keepLines)
        {
            Lines.Add(line);
        }

        return true;
    }
}
