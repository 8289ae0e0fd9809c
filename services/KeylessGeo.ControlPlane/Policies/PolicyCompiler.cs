using KeylessGeo.ControlPlane.Operations;
using KeylessGeo.Policy.Expressions;
using KeylessGeo.Policy.Language;
using KeylessGeo.Policy.Topology;
using KeylessGeo.Policy.Validation;

namespace KeylessGeo.ControlPlane.Policies;

/// <summary>Parses and validates policies, turning the policy library's findings into field errors.</summary>
internal static class PolicyCompiler
{
    /// <summary>The field the text form is reported under.</summary>
    public const string TextField = "text";

    /// <summary>The field the JSON form is reported under.</summary>
    public const string JsonField = "json";

    /// <summary>Parses the input; a syntax error is a 400 with its line, column and suggestion.</summary>
    public static (PolicyExpression Expression, string Field) Parse(PolicyInput? input)
    {
        var hasText = input?.Text is not null;
        var hasJson = input?.Json is not null;
        if (hasText == hasJson)
        {
            throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, TextField,
                hasText ? "give the policy once, as 'text' or as 'json', not both" : "a policy is required: give 'text' (the policy language) or 'json' (its JSON form)");
        }

        var field = hasText ? TextField : JsonField;
        try
        {
            return (hasText ? PolicyParser.Parse(input!.Text!) : PolicyJson.Parse(input!.Json!), field);
        }
        catch (PolicyParseException ex)
        {
            var error = ex.Error;
            throw new ControlPlaneException(ErrorKind.Syntax, ErrorCodes.PolicySyntax,
                $"the policy {(hasText ? "text" : "JSON")} does not parse: {error}",
                [new FieldError(field, error.Message, new TextPosition(error.Line, error.Column))]);
        }
    }

    /// <summary>Validates against <paramref name="topology"/> with the configured minimum.</summary>
    public static PolicyValidationResult Validate(PolicyExpression expression, DatacenterTopology topology, int minimum, bool force) =>
        PolicyValidator.Validate(expression, topology, new PolicyValidationOptions { MinimumDatacenters = minimum, Force = force });

    /// <summary>Throws a 422 listing every error of <paramref name="result"/>, if any.</summary>
    public static void ThrowIfInvalid(PolicyValidationResult result, string field, string what)
    {
        if (!result.IsValid)
        {
            throw new ControlPlaneException(ErrorKind.Invalid, ErrorCodes.InvalidPolicy,
                $"{what} is invalid ({result.Errors.Length} error(s)): " + string.Join("; ", result.Errors.Select(e => e.ToString())),
                result.Errors.Select(issue => ToFieldError(issue, field)));
        }
    }

    /// <summary>The longest comment kept with a policy version.</summary>
    public const int MaxCommentLength = 1000;

    /// <summary>A 400 unless <paramref name="comment"/> is at most 1000 characters without control characters (newlines and tabs allowed).</summary>
    public static void CheckComment(string? comment)
    {
        if (comment is null)
        {
            return;
        }

        if (comment.Length > MaxCommentLength || comment.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            throw ControlPlaneException.Syntax(ErrorCodes.InvalidRequest, "comment",
                $"a comment is at most {MaxCommentLength} characters, without control characters other than newlines and tabs");
        }
    }

    /// <summary>One validation finding as a field error (position and code kept).</summary>
    public static FieldError ToFieldError(PolicyIssue issue, string field) =>
        new(field, issue.Message, issue.Position is { } p ? new TextPosition(p.Line, p.Column) : null, issue.Code);
}
