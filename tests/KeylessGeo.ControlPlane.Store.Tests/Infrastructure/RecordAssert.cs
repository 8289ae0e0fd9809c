using System.Text.Json;
using System.Text.Json.Nodes;
using KeylessGeo.ControlPlane.Store.Embedded;

namespace KeylessGeo.ControlPlane.Store.Tests.Infrastructure;

/// <summary>
/// Structural equality for store records: records holding byte arrays and immutable arrays do
/// not compare by value, so compare their canonical JSON (every field, byte arrays as base64).
/// A managed key's content digest is left out: the store computes it (a record as committed has
/// none), and the digest contract tests check it on its own.
/// </summary>
public static class RecordAssert
{
    public static void Equal<T>(T expected, T actual) => Assert.Equal(Comparable(expected), Comparable(actual));

    public static void Equal<T>(IEnumerable<T> expected, IEnumerable<T> actual) =>
        Assert.Equal(expected.Select(Comparable).ToList(), actual.Select(Comparable).ToList());

    /// <summary>The record as the embedded store's files hold it (every field).</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, typeof(T), EmbeddedJsonContext.Default);

    private static string Comparable<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, typeof(T), EmbeddedJsonContext.Default);
        WithoutContentDigests(node);
        return node?.ToJsonString() ?? "null";
    }

    private static void WithoutContentDigests(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("contentDigest");
                foreach (var (_, child) in obj)
                {
                    WithoutContentDigests(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    WithoutContentDigests(child);
                }

                break;
        }
    }
}
