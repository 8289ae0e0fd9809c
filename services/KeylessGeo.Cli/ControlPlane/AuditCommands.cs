using System.CommandLine;
using System.Globalization;
using KeylessGeo.ControlPlane.Store.Audit;

namespace KeylessGeo.Cli.ControlPlane;

/// <summary><c>keylessgeo audit list|verify</c>.</summary>
public static class AuditCommands
{
    /// <summary>The page size <c>audit verify</c> reads with.</summary>
    public const int PageSize = AuditChainCheck.PageSize;

    /// <summary>Builds <c>audit</c>.</summary>
    public static Command Create(TextWriter output)
    {
        var connection = new ControlPlaneConnection();
        var audit = connection.AddTo(new Command("audit", "The hash-chained audit log."));
        audit.Subcommands.Add(List(connection, output));
        audit.Subcommands.Add(Verify(connection, output));
        return audit;
    }

    private static Command List(ControlPlaneConnection connection, TextWriter output)
    {
        var from = new Option<long>("--from") { Description = "The first sequence number.", DefaultValueFactory = _ => 1 };
        var limit = new Option<int>("--limit") { Description = "At most this many entries (1–1000).", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "Print audit entries: sequence, time, actor, action, subject, details.") { from, limit };
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var answer = await client.GetAsync(string.Create(CultureInfo.InvariantCulture, $"v1/audit?from={parse.GetValue(from)}&limit={parse.GetValue(limit)}"), cancellation);
            if (parse.GetValue(connection.Json))
            {
                await ControlPlaneAction.WriteJsonAsync(output, answer);
                return 0;
            }

            foreach (var item in answer.GetProperty("entries").EnumerateArray())
            {
                var entry = AuditEntries.FromJson(item);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"#{entry.Sequence} r{entry.Revision} {entry.Timestamp.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {entry.Actor} {entry.Action} {entry.Subject} {entry.Details}"));
            }

            return 0;
        });
        return command;
    }

    private static Command Verify(ControlPlaneConnection connection, TextWriter output)
    {
        var command = new Command("verify", "Fetch every audit entry and recompute the hash chain here. Exits 4 at the first broken entry.");
        ControlPlaneAction.Set(command, connection, output, async (parse, client, cancellation) =>
        {
            var report = await AuditChainCheck.VerifyAsync(client, cancellation);
            await output.WriteLineAsync(report.Summary);
            return report.Intact ? 0 : ControlPlaneExitCodes.AuditChainBroken;
        });
        return command;
    }
}
