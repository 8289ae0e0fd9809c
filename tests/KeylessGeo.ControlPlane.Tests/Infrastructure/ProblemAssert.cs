using System.Net;
using System.Text.Json;

namespace KeylessGeo.ControlPlane.Tests.Infrastructure;

/// <summary>Checks RFC 7807 problem responses.</summary>
public static class ProblemAssert
{
    /// <summary>Asserts <paramref name="response"/> is a problem with <paramref name="status"/> and <paramref name="code"/>; returns its JSON.</summary>
    public static async Task<JsonElement> IsAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal("urn:keylessgeo:problem:" + code, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.NotEqual(0, problem.GetProperty("errors").GetArrayLength());
        return problem;
    }

    public static JsonElement FirstError(JsonElement problem) => problem.GetProperty("errors")[0];
}
