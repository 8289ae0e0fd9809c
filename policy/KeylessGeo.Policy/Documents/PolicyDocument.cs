using KeylessGeo.Policy.Expressions;

namespace KeylessGeo.Policy.Documents;

/// <summary>
/// One version of a key's geo policy, as stored and audited. Versions of the same
/// <see cref="Id"/> increase strictly; a change is a new document, never an edit.
/// </summary>
public sealed record PolicyDocument
{
    /// <summary>The policy's id (typically the key id it governs).</summary>
    public required string Id { get; init; }

    /// <summary>Version number, starting at 1 and increasing by one per change.</summary>
    public required long Version { get; init; }

    /// <summary>The policy expression in force for this version.</summary>
    public required PolicyExpression Expression { get; init; }

    /// <summary>When this version was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who made the change (operator or service identity).</summary>
    public required string Author { get; init; }

    /// <summary>Why the change was made; free text, may be empty.</summary>
    public string Comment { get; init; } = "";

    /// <summary>The canonical text form of <see cref="Expression"/>.</summary>
    public string Text => Expression.ToString();
}
