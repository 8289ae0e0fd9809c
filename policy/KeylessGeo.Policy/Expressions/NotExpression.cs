namespace KeylessGeo.Policy.Expressions;

/// <summary><c>not Operand</c>: permits the datacenters <paramref name="Operand"/> does not.</summary>
/// <param name="Operand">The negated expression.</param>
public sealed record NotExpression(PolicyExpression Operand) : PolicyExpression;
