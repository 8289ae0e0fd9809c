using System.CommandLine;
using System.Globalization;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary><c>keylessgeo keyservers</c>: live keyserver leases.</summary>
public static class KeyserversCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter output)
    {
        var connection = new ControlPlaneConnection();
        var command = connection.AddTo(new Command("keyservers", "List live keyservers (unexpired leases)."));
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
                    $"{ControlPlaneAction.Text(keyserver, "keyserverId"),-20} {ControlPlaneAction.Text(keyserver, "datacenter"),-10} applied revision {keyserver.GetProperty("appliedRevision").GetInt64(),-6} accelerator {ControlPlaneAction.Text(keyserver, "accelerator"),-6} expires {keyserver.GetProperty("expiresAt").GetDateTimeOffset():u}  endpoints [{ControlPlaneAction.List(keyserver, "endpoints")}]"));
            }

            return 0;
        });
        return command;
    }
}
