using System.Text.Json;
using KeylessGeo.ControlPlane.Store.Embedded;

namespace KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

/// <summary>
/// Structural equality for store records: records holding byte arrays and immutable arrays do
/// not compare by value, so compare their canonical JSON (every field, byte arrays as base64).
/// </summary>
public static class RecordAssert
{
    public static void Equal<T>(T expected, T actual) => Assert.Equal(Json(expected), Json(actual));

    public static void Equal<T>(IEnumerable<T> expected, IEnumerable<T> actual) =>
        Assert.Equal(expected.Select(Json).ToList(), actual.Select(Json).ToList());

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, typeof(T), EmbeddedJsonContext.Default);
}
