namespace KeylessGeo.Policy.Expressions;

/// <summary><c>Left and Right</c>: permits the datacenters both sides permit.</summary>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
public sealed record AndExpression(PolicyExpression Left, PolicyExpression Right) : PolicyExpression;
