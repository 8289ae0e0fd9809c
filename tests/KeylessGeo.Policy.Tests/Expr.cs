using KeylessGeo.Policy.Expressions;

namespace KeylessGeo.Policy.Tests;

/// <summary>Short constructors for expression trees in tests.</summary>
internal static class Expr
{
    public static AttributeExpression Region(string value) => new(PolicyAttribute.Region, value);

    public static AttributeExpression Country(string value) => new(PolicyAttribute.Country, value);

    public static AttributeExpression Tier(string value) => new(PolicyAttribute.Tier, value);

    public static AttributeExpression Dc(string value) => new(PolicyAttribute.Datacenter, value);

    public static AttributeExpression Label(string value) => new(PolicyAttribute.Label, value);

    public static NotExpression Not(PolicyExpression operand) => new(operand);

    public static AndExpression And(PolicyExpression left, PolicyExpression right) => new(left, right);

    public static OrExpression Or(PolicyExpression left, PolicyExpression right) => new(left, right);
}
