using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary><c>keylessgeo key import|rotate|remove|attach|list|get|where</c>.</summary>
public static class KeyCommands
{
    /// <summary>Builds <c>key</c>.</summary>
    public static Command Create(TextWriter output)
    {
        var connection = new ControlPlaneConnection();
        var key = connection.AddTo(new Command("key", "Keys under control-plane management (stored only wrapped to their policy)."));
        key.Subcommands.Add(Import(connection, output));
        key.Subcommands.Add(Rotate(connection, output));
        key.Subcommands.Add(Simple("remove", "Remove a key (keyservers evict it).", HttpMethod.Delete, "", connection, output));
        key.Subcommands.Add(Attach(connection, output));
        key.Subcommands.Add(List(connection, output));
        key.Subcommands.Add(Simple("get", "Show a key's public facts.", HttpMethod.Get, "", connection, output));
        key.Subcommands.Add(KeyWhereCommand.Create(connection, output));
        return key;
    }

    private static Command Import(ControlPlaneConnection connection, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The new key's id." };
        var policy = new Option<string>("--policy") { Description = "The policy deciding where the key may be used.", Required = true };
        var material = new KeyMaterialOptions();
        var command = new Command("import", "Import a private key; it is wrapped with the policy's key at once and never stored in the clear.") { id, policy };
        material.AddTo(command);
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var body = new JsonObject { ["keyId"] = parse.GetValue(id), ["policy"] = parse.GetValue(policy) };
            await material.AddToBodyAsync(parse, body, cancellation);
            var answer = await client.SendJsonAsync(HttpMethod.Post, "v1/keys", body, cancellation);
            return await WriteChangeAsync(parse, connection, output, answer, "imported");
        });
        return command;
    }

    private static Command Rotate(ControlPlaneConnection connection, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The key id." };
        var material = new KeyMaterialOptions();
        var command = new Command("rotate", "Replace a key's private key under the same id (version + 1).") { id };
        material.AddTo(command);
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var body = new JsonObject();
            await material.AddToBodyAsync(parse, body, cancellation);
            var answer = await client.SendJsonAsync(HttpMethod.Post, $"v1/keys/{Uri.EscapeDataString(parse.GetValue(id)!)}/rotate", body, cancellation);
            return await WriteChangeAsync(parse, connection, output, answer, "rotated");
        });
        return command;
    }

    private static Command Attach(ControlPlaneConnection connection, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The key id." };
        var policy = new Argument<string>("policy") { Description = "The policy to move the key under." };
        var command = new Command("attach", "Move a key to another policy (re-wrapped with that policy's key).") { id, policy };
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var answer = await client.SendJsonAsync(HttpMethod.Put, $"v1/keys/{Uri.EscapeDataString(parse.GetValue(id)!)}/policy", new JsonObject { ["policy"] = parse.GetValue(policy) }, cancellation);
            var code = await WriteChangeAsync(parse, connection, output, answer, answer.GetProperty("changed").GetBoolean() ? $"moved from policy {ControlPlaneAction.Text(answer, "previousPolicyId")}" : "already under that policy, nothing changed");
            if (!parse.GetValue(connection.Json) && answer.GetProperty("changed").GetBoolean())
            {
                await output.WriteLineAsync($"  now usable in added datacenters: {ControlPlaneAction.List(answer, "added")}; no longer in: {ControlPlaneAction.List(answer, "removed")}");
            }

            return code;
        });
        return command;
    }

    private static Command List(ControlPlaneConnection connection, TextWriter output)
    {
        var policy = new Option<string?>("--policy") { Description = "Only keys under this policy." };
        var command = new Command("list", "List keys.") { policy };
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var path = parse.GetValue(policy) is { } p ? $"v1/keys?policy={Uri.EscapeDataString(p)}" : "v1/keys";
            var answer = await client.GetAsync(path, cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
                return 0;
            }

            foreach (var key in answer.EnumerateArray())
            {
                await output.WriteLineAsync(Summary(key));
            }

            return 0;
        });
        return command;
    }

    private static Command Simple(string name, string description, HttpMethod method, string suffix, ControlPlaneConnection connection, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The key id." };
        var command = new Command(name, description) { id };
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var answer = await client.SendAsync(method, $"v1/keys/{Uri.EscapeDataString(parse.GetValue(id)!)}{suffix}", null, cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
            }
            else if (method == HttpMethod.Delete)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"key {parse.GetValue(id)} removed at revision {answer.GetProperty("revision").GetInt64()}"));
            }
            else
            {
                await WriteKeyAsync(output, answer);
            }

            return 0;
        });
        return command;
    }

    private static async Task<int> WriteChangeAsync(ParseResult parse, ControlPlaneConnection connection, TextWriter output, JsonElement answer, string what)
    {
        if (parse.GetValue(connection.Json))
        {
            await ControlPlaneAction.WriteJsonAsync(output, answer);
            return 0;
        }

        var key = answer.GetProperty("key");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"key {ControlPlaneAction.Text(key, "keyId")} {what} at revision {answer.GetProperty("revision").GetInt64()}"));
        await WriteKeyAsync(output, key);
        await ControlPlaneAction.WriteWarningsAsync(output, answer);
        return 0;
    }

    private static async Task WriteKeyAsync(TextWriter output, JsonElement key)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  key {ControlPlaneAction.Text(key, "keyId")} version {key.GetProperty("version").GetInt32()} under policy {ControlPlaneAction.Text(key, "policyId")} (policy key generation {key.GetProperty("policyKeyGeneration").GetInt32()})"));
        await output.WriteLineAsync($"  algorithm: {ControlPlaneAction.Text(key, "algorithm")}");
        await output.WriteLineAsync($"  ski: {ControlPlaneAction.Text(key, "ski")}");
        await output.WriteLineAsync($"  cert-digest: {ControlPlaneAction.Text(key, "certDigest") ?? "n/a (not an RSA key)"}");
        await output.WriteLineAsync($"  host names: {ControlPlaneAction.List(key, "hostNames")}");
        if (key.TryGetProperty("certificate", out var certificate) && certificate.ValueKind == JsonValueKind.Object)
        {
            await output.WriteLineAsync($"  certificate: {ControlPlaneAction.Text(certificate, "subject")}, valid until {certificate.GetProperty("notAfter").GetDateTimeOffset():u}");
        }
    }

    private static string Summary(JsonElement key) => string.Create(CultureInfo.InvariantCulture,
        $"{ControlPlaneAction.Text(key, "keyId"),-20} v{key.GetProperty("version").GetInt32(),-3} {ControlPlaneAction.Text(key, "algorithm"),-11} policy {ControlPlaneAction.Text(key, "policyId"),-16} ski {ControlPlaneAction.Text(key, "ski")}  hosts [{ControlPlaneAction.List(key, "hostNames")}]");
}
