using System.CommandLine;
using System.Globalization;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary><c>keylessgeo key where ID</c>: where a key can be used, and which keyservers serve it now.</summary>
public static class KeyWhereCommand
{
    /// <summary>Builds <c>where</c> under <c>key</c>.</summary>
    public static Command Create(ControlPlaneConnection connection, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The key id." };
        var command = new Command("where", "Where the key can be used (with the policy's reason per datacenter) and which keyservers serve it now.") { id };
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var answer = await client.GetAsync($"v1/keys/{Uri.EscapeDataString(parse.GetValue(id)!)}/placement", cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
                return 0;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"key {ControlPlaneAction.Text(answer, "keyId")} version {answer.GetProperty("keyVersion").GetInt32()} under policy {ControlPlaneAction.Text(answer, "policyId")} version {answer.GetProperty("policyVersion").GetInt64()}: {ControlPlaneAction.Text(answer, "policyText")}"));
            await output.WriteLineAsync("datacenters:");
            foreach (var dc in answer.GetProperty("datacenters").EnumerateArray())
            {
                await output.WriteLineAsync($"  {ControlPlaneAction.Text(dc, "datacenter"),-12} {ControlPlaneAction.Text(dc, "status"),-22} {ControlPlaneAction.Text(dc, "explanation")}");
            }

            var exact = answer.GetProperty("stateRevisionExact").GetBoolean() ? "" : " (upper bound: the change feed no longer reaches back)";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"keyservers (serving once applied revision >= {answer.GetProperty("stateRevision").GetInt64()}{exact}):"));
            var keyservers = answer.GetProperty("keyservers");
            if (keyservers.GetArrayLength() == 0)
            {
                await output.WriteLineAsync("  none live in permitted datacenters");
            }

            foreach (var keyserver in keyservers.EnumerateArray())
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {ControlPlaneAction.Text(keyserver, "keyserverId"),-20} {ControlPlaneAction.Text(keyserver, "datacenter"),-10} {ControlPlaneAction.Text(keyserver, "status"),-14} applied revision {keyserver.GetProperty("appliedRevision").GetInt64()}"));
            }

            return 0;
        });
        return command;
    }
}
