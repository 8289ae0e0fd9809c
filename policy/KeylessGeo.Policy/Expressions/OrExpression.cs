namespace KeylessGeo.Policy.Expressions;

/// <summary><c>Left or Right</c>: permits the datacenters either side permits.</summary>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
public sealed record OrExpression(PolicyExpression Left, PolicyExpression Right) : PolicyExpression;
