using FsCheck;
using FsCheck.Fluent;

namespace KeylessGeo.Policy.Tests.Properties;

/// <summary>Runs an FsCheck property a bounded number of times, failing the test on a counterexample.</summary>
internal static class PropertyRunner
{
    private const int MaxTests = 300;

    public static void Check<T>(Gen<T> generator, Func<T, bool> property) =>
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(MaxTests), Prop.ForAll(generator.ToArbitrary(), property));
}
