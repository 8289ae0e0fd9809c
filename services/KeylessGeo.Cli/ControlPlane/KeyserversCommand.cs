using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary><c>keylessgeo keyservers</c>: live keyserver leases.</summary>
public static class KeyserversCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter output)
    {
        var connection = new ControlPlaneConnection();
        var command = connection.AddTo(new Command("keyservers", "List live keyservers (unexpired leases) and whether their Orleans cluster lists them as active."));
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var answer = await client.GetAsync("v1/keyservers", cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
                return 0;
            }

            if (answer.GetArrayLength() == 0)
            {
                await output.WriteLineAsync("no live keyservers");
            }

            foreach (var keyserver in answer.EnumerateArray())
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{ControlPlaneAction.Text(keyserver, "keyserverId"),-20} {ControlPlaneAction.Text(keyserver, "datacenter"),-10} {ClusterStatus(keyserver),-14} applied revision {keyserver.GetProperty("appliedRevision").GetInt64(),-6} accelerator {ControlPlaneAction.Text(keyserver, "accelerator"),-6} expires {keyserver.GetProperty("expiresAt").GetDateTimeOffset():u}  cluster {Cluster(keyserver)}  endpoints [{ControlPlaneAction.List(keyserver, "endpoints")}]"));
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// <c>in-cluster</c> or <c>not-in-cluster</c> when the keyservers' views of their Orleans
    /// cluster say, <c>lease-only</c> when none does (no silo, or an older control plane).
    /// </summary>
    private static string ClusterStatus(JsonElement keyserver) =>
        keyserver.TryGetProperty("clusterActive", out var active) ? active.ValueKind switch
        {
            JsonValueKind.True => "in-cluster",
            JsonValueKind.False => "not-in-cluster",
            _ => "lease-only",
        }
        : "lease-only";

    private static string Cluster(JsonElement keyserver) =>
        ControlPlaneAction.Text(keyserver, "clusterId") is { Length: > 0 } id ? id : "none";
}
