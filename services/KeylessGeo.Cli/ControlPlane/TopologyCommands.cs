using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary><c>keylessgeo topology get|set</c> and <c>keylessgeo dc register-key</c>.</summary>
public static class TopologyCommands
{
    /// <summary>Builds <c>topology</c>.</summary>
    public static Command CreateTopology(TextWriter output)
    {
        var connection = new ControlPlaneConnection();
        var topology = connection.AddTo(new Command("topology", "Show or replace the datacenter topology."));

        var get = new Command("get", "Print the datacenters and their registered wrapping keys (--json gives a file 'topology set' accepts).");
        ControlPlaneAction.Set(get, connection, output, async (parse, client, cancellation) =>
        {
            var answer = await client.GetAsync("v1/topology", cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
                return 0;
            }

            var keys = answer.GetProperty("wrappingKeys").EnumerateArray().ToDictionary(k => ControlPlaneAction.Text(k, "datacenter")!, k => ControlPlaneAction.Text(k, "fingerprint"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"topology at revision {answer.GetProperty("revision").GetInt64()}:"));
            foreach (var dc in answer.GetProperty("datacenters").EnumerateArray())
            {
                var id = ControlPlaneAction.Text(dc, "id")!;
                await output.WriteLineAsync($"  {id,-12} region {ControlPlaneAction.Text(dc, "region"),-5} country {ControlPlaneAction.Text(dc, "country")}  tier {ControlPlaneAction.Text(dc, "tier"),-14} labels [{ControlPlaneAction.List(dc, "labels")}]  wrapping key {keys.GetValueOrDefault(id) ?? "(not registered)"}");
            }

            return 0;
        });

        var file = new Argument<FileInfo>("file") { Description = "Topology JSON: {\"datacenters\":[{\"id\",\"region\",\"country\",\"tier\",\"labels\"}]}." };
        var force = new Option<bool>("--force") { Description = "Accept leaving a policy with an empty or too small permitted set." };
        var set = new Command("set", "Replace the topology; every policy is re-evaluated in the same change.") { file, force };
        ControlPlaneAction.Set(set, connection, output, async (parse, client, cancellation) =>
        {
            var json = await ControlPlaneAction.ReadFileAsync(parse.GetValue(file)!, "the topology file", cancellation);
            var path = parse.GetValue(force) ? "v1/topology?force=true" : "v1/topology";
            var answer = await client.SendAsync(HttpMethod.Put, path, new StringContent(json, Encoding.UTF8, "application/json"), cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
                return 0;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"topology at revision {answer.GetProperty("revision").GetInt64()}: added {ControlPlaneAction.List(answer, "added")}; removed {ControlPlaneAction.List(answer, "removed")}; changed {ControlPlaneAction.List(answer, "changed")}"));
            foreach (var policy in answer.GetProperty("policies").EnumerateArray())
            {
                await output.WriteLineAsync($"  policy {ControlPlaneAction.Text(policy, "policyId")}: added {ControlPlaneAction.List(policy, "added")}; removed {ControlPlaneAction.List(policy, "removed")}; awaiting wrapping key {ControlPlaneAction.List(policy, "pending")}");
            }

            await ControlPlaneAction.WriteWarningsAsync(output, answer);
            return 0;
        });

        topology.Subcommands.Add(get);
        topology.Subcommands.Add(set);
        return topology;
    }

    /// <summary>Builds <c>dc</c>.</summary>
    public static Command CreateDatacenter(TextWriter output)
    {
        var connection = new ControlPlaneConnection();
        var dc = connection.AddTo(new Command("dc", "Datacenter wrapping keys."));
        var id = new Argument<string>("datacenter") { Description = "The datacenter id, e.g. fra1." };
        var file = new Argument<FileInfo>("file") { Description = "The datacenter's P-256 wrapping public key: PEM 'PUBLIC KEY' or base64 DER." };
        var register = new Command("register-key", "Register (or replace) a datacenter's wrapping public key; every policy permitting it is wrapped to it.") { id, file };
        ControlPlaneAction.Set(register, connection, output, async (parse, client, cancellation) =>
        {
            var publicKey = await ControlPlaneAction.ReadFileAsync(parse.GetValue(file)!, "the public key file", cancellation);
            var datacenter = parse.GetValue(id)!;
            var answer = await client.SendJsonAsync(HttpMethod.Put, $"v1/datacenters/{Uri.EscapeDataString(datacenter)}/wrapping-key", new JsonObject { ["publicKey"] = publicKey }, cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
                return 0;
            }

            var changed = answer.GetProperty("changed").GetBoolean();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"datacenter {datacenter}: wrapping key {ControlPlaneAction.Text(answer, "fingerprint")} {(changed ? "registered" : "already registered, nothing changed")} (revision {answer.GetProperty("revision").GetInt64()}); policies wrapped: {ControlPlaneAction.List(answer, "policiesWrapped")}"));
            return 0;
        });
        dc.Subcommands.Add(register);
        return dc;
    }
}
