using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary><c>keylessgeo policy create|update|explain|list|get|delete|rotate-key</c>.</summary>
public static class PolicyCommands
{
    /// <summary>Builds <c>policy</c>.</summary>
    public static Command Create(TextWriter output)
    {
        var connection = new ControlPlaneConnection();
        var policy = connection.AddTo(new Command("policy", "Geo policies: where the keys under them may be used."));
        policy.Subcommands.Add(Change("create", "Create a policy (version 1, a new policy key wrapped to each permitted datacenter).", HttpMethod.Post, connection, output));
        policy.Subcommands.Add(Change("update", "Change a policy's text (version + 1); the policy key is re-wrapped to the new permitted set.", HttpMethod.Put, connection, output));
        policy.Subcommands.Add(Explain(connection, output));
        policy.Subcommands.Add(List(connection, output));
        policy.Subcommands.Add(Get(connection, output));
        policy.Subcommands.Add(Delete(connection, output));
        policy.Subcommands.Add(RotateKey(connection, output));
        return policy;
    }

    private static Command Change(string name, string description, HttpMethod method, ControlPlaneConnection connection, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The policy id, e.g. eu-only." };
        var input = new PolicyInputOptions();
        var comment = new Option<string?>("--comment") { Description = "Why; kept with the version and in the audit log." };
        var force = new Option<bool>("--force") { Description = "Accept an empty or too small permitted set." };
        var command = new Command(name, description) { id, comment, force };
        input.AddTo(command);
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var policyId = parse.GetValue(id)!;
            var body = new JsonObject { ["comment"] = parse.GetValue(comment) ?? "", ["force"] = parse.GetValue(force) };
            await input.AddToBodyAsync(parse, body, cancellation);
            if (method == HttpMethod.Post)
            {
                body["id"] = policyId;
            }

            var path = method == HttpMethod.Post ? "v1/policies" : $"v1/policies/{Uri.EscapeDataString(policyId)}";
            var answer = await client.SendJsonAsync(method, path, body, cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
                return 0;
            }

            var view = answer.GetProperty("policy");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"policy {policyId} version {view.GetProperty("version").GetInt64()} {(method == HttpMethod.Post ? "created" : "updated")} at revision {answer.GetProperty("revision").GetInt64()}: {ControlPlaneAction.Text(view, "text")}"));
            await output.WriteLineAsync($"  permitted: {ControlPlaneAction.List(view, "permittedDatacenters")}");
            await output.WriteLineAsync($"  policy key wrapped for: {ControlPlaneAction.List(view, "wrappedFor")}; awaiting wrapping key: {ControlPlaneAction.List(view, "pendingDatacenters")}");
            if (method == HttpMethod.Put)
            {
                await output.WriteLineAsync($"  added: {ControlPlaneAction.List(answer, "added")}; removed: {ControlPlaneAction.List(answer, "removed")}");
            }

            if (answer.GetProperty("rotationRecommended").GetBoolean())
            {
                await output.WriteLineAsync($"  a removed datacenter held the policy key: run 'keylessgeo policy rotate-key {policyId}' so it cannot open future blobs");
            }

            await ControlPlaneAction.WriteWarningsAsync(output, answer);
            return 0;
        });
        return command;
    }

    private static Command Explain(ControlPlaneConnection connection, TextWriter output)
    {
        var input = new PolicyInputOptions();
        var id = new Option<string?>("--id") { Description = "An existing policy: also show what changing it to this text would do." };
        var force = new Option<bool>("--force") { Description = "Judge the permitted-set size as a forced change would." };
        var command = new Command("explain", "Dry run: what a policy permits and why, and the change from an existing policy. Exits 1 when it would be refused.") { id, force };
        input.AddTo(command);
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var body = new JsonObject { ["force"] = parse.GetValue(force) };
            if (parse.GetValue(id) is { } policyId)
            {
                body["policyId"] = policyId;
            }

            await input.AddToBodyAsync(parse, body, cancellation);
            var answer = await client.SendJsonAsync(HttpMethod.Post, "v1/policies/explain", body, cancellation);
            var valid = answer.GetProperty("valid").GetBoolean();
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
                return valid ? 0 : ControlPlaneExitCodes.Refused;
            }

            await output.WriteLineAsync($"policy: {ControlPlaneAction.Text(answer, "text")}");
            await output.WriteLineAsync($"permitted: {ControlPlaneAction.List(answer, "permitted")}");
            foreach (var decision in answer.GetProperty("decisions").EnumerateArray())
            {
                await output.WriteLineAsync("  " + ControlPlaneAction.Text(decision, "explanation"));
            }

            if (answer.TryGetProperty("diff", out var diff) && diff.ValueKind == JsonValueKind.Object)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"change from {ControlPlaneAction.Text(diff, "policyId")} version {diff.GetProperty("currentVersion").GetInt64()} ({ControlPlaneAction.Text(diff, "currentText")}):"));
                await output.WriteLineAsync($"  added: {ControlPlaneAction.List(diff, "added")}; removed: {ControlPlaneAction.List(diff, "removed")}; keys affected: {ControlPlaneAction.List(diff, "keysAffected")}");
            }

            foreach (var error in answer.GetProperty("errors").EnumerateArray())
            {
                await output.WriteLineAsync($"error: {Describe(error)}");
            }

            foreach (var warning in answer.GetProperty("warnings").EnumerateArray())
            {
                await output.WriteLineAsync($"warning: {Describe(warning)}");
            }

            await output.WriteLineAsync(valid ? "valid: this policy would be accepted" : "invalid: this policy would be refused");
            return valid ? 0 : ControlPlaneExitCodes.Refused;
        });
        return command;
    }

    private static Command List(ControlPlaneConnection connection, TextWriter output)
    {
        var command = new Command("list", "List policies.");
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var answer = await client.GetAsync("v1/policies", cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
                return 0;
            }

            foreach (var policy in answer.EnumerateArray())
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{ControlPlaneAction.Text(policy, "id"),-20} v{policy.GetProperty("version").GetInt64(),-4} key gen {policy.GetProperty("keyGeneration").GetInt32(),-3} permitted [{ControlPlaneAction.List(policy, "permittedDatacenters")}]  keys [{ControlPlaneAction.List(policy, "keys")}]  {ControlPlaneAction.Text(policy, "text")}"));
            }

            return 0;
        });
        return command;
    }

    private static Command Get(ControlPlaneConnection connection, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The policy id." };
        var command = new Command("get", "Show a policy.") { id };
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var policy = await client.GetAsync($"v1/policies/{Uri.EscapeDataString(parse.GetValue(id)!)}", cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, policy);
                return 0;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"policy {ControlPlaneAction.Text(policy, "id")} version {policy.GetProperty("version").GetInt64()} by {ControlPlaneAction.Text(policy, "author")} at {policy.GetProperty("updatedAt").GetDateTimeOffset():u}"));
            await output.WriteLineAsync($"  text: {ControlPlaneAction.Text(policy, "text")}");
            await output.WriteLineAsync($"  json: {ControlPlaneAction.Text(policy, "json")}");
            await output.WriteLineAsync($"  comment: {ControlPlaneAction.Text(policy, "comment")}");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  policy key generation: {policy.GetProperty("keyGeneration").GetInt32()}"));
            await output.WriteLineAsync($"  permitted: {ControlPlaneAction.List(policy, "permittedDatacenters")}");
            await output.WriteLineAsync($"  policy key wrapped for: {ControlPlaneAction.List(policy, "wrappedFor")}; awaiting wrapping key: {ControlPlaneAction.List(policy, "pendingDatacenters")}");
            await output.WriteLineAsync($"  keys: {ControlPlaneAction.List(policy, "keys")}");
            return 0;
        });
        return command;
    }

    private static Command Delete(ControlPlaneConnection connection, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The policy id." };
        var command = new Command("delete", "Delete a policy (refused while keys are attached).") { id };
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var answer = await client.SendAsync(HttpMethod.Delete, $"v1/policies/{Uri.EscapeDataString(parse.GetValue(id)!)}", null, cancellation);
            await (parse.GetValue(connection.Json)
                ? ControlPlaneAction.WriteJsonAsync(output, answer)
                : output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"policy {parse.GetValue(id)} deleted at revision {answer.GetProperty("revision").GetInt64()}")));
            return 0;
        });
        return command;
    }

    private static Command RotateKey(ControlPlaneConnection connection, TextWriter output)
    {
        var id = new Argument<string>("id") { Description = "The policy id." };
        var command = new Command("rotate-key", "Rotate the policy key: a new generation, every key under the policy re-wrapped, in one change.") { id };
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var answer = await client.SendAsync(HttpMethod.Post, $"v1/policies/{Uri.EscapeDataString(parse.GetValue(id)!)}/rotate-key", null, cancellation);
            await (parse.GetValue(connection.Json)
                ? ControlPlaneAction.WriteJsonAsync(output, answer)
                : output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"policy {parse.GetValue(id)}: key generation {answer.GetProperty("previousGeneration").GetInt32()} -> {answer.GetProperty("generation").GetInt32()} at revision {answer.GetProperty("revision").GetInt64()}; keys re-wrapped: {ControlPlaneAction.List(answer, "keysRewrapped")}; wrapped for: {ControlPlaneAction.List(answer, "wrappedFor")}")));
            return 0;
        });
        return command;
    }

    private static string Describe(JsonElement finding)
    {
        var where = finding.TryGetProperty("position", out var position) && position.ValueKind == JsonValueKind.Object
            ? string.Create(CultureInfo.InvariantCulture, $" (line {position.GetProperty("line").GetInt32()}, column {position.GetProperty("column").GetInt32()})")
            : "";
        return $"{ControlPlaneAction.Text(finding, "field")}{where}: {ControlPlaneAction.Text(finding, "message")}";
    }
}
