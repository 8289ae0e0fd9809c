using System.Collections.Immutable;

namespace KeylessGeo.ControlPlane.Operations;

/// <summary>
/// An operation was refused. Nothing was applied. <see cref="Exception.Message"/> is the
/// operator-facing summary, <see cref="Errors"/> the per-field findings (all of them, not just
/// the first). Messages never contain key material.
/// </summary>
public sealed class ControlPlaneException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The class of error (decides the HTTP status).</param>
    /// <param name="code">A stable code from <see cref="ErrorCodes"/>.</param>
    /// <param name="message">The operator-facing summary.</param>
    /// <param name="errors">Per-field findings.</param>
    public ControlPlaneException(ErrorKind kind, string code, string message, IEnumerable<FieldError>? errors = null)
        : base(message)
    {
        Kind = kind;
        Code = code;
        Errors = errors is null ? [] : [.. errors];
    }

    /// <summary>The class of error.</summary>
    public ErrorKind Kind { get; }

    /// <summary>The stable error code, e.g. <c>policy-syntax</c>.</summary>
    public string Code { get; }

    /// <summary>Every per-field finding.</summary>
    public ImmutableArray<FieldError> Errors { get; }

    /// <summary>The limit the operation would have crossed, when that is why it was refused.</summary>
    public LimitExceeded? Limit { get; init; }

    /// <summary>A 404 for an unknown id.</summary>
    public static ControlPlaneException NotFound(string code, string field, string message) =>
        new(ErrorKind.NotFound, code, message, [new FieldError(field, message)]);

    /// <summary>A 400 for one bad field.</summary>
    public static ControlPlaneException Syntax(string code, string field, string message, TextPosition? position = null) =>
        new(ErrorKind.Syntax, code, message, [new FieldError(field, message, position)]);

    /// <summary>A 409 for one field.</summary>
    public static ControlPlaneException Conflict(string code, string field, string message) =>
        new(ErrorKind.Conflict, code, message, [new FieldError(field, message)]);

    /// <summary>A 422 for one field.</summary>
    public static ControlPlaneException Invalid(string code, string field, string message) =>
        new(ErrorKind.Invalid, code, message, [new FieldError(field, message)]);

    /// <inheritdoc />
    public override string ToString() =>
        Errors.IsEmpty ? $"{Code}: {Message}" : $"{Code}: {Message}{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", Errors);
}
