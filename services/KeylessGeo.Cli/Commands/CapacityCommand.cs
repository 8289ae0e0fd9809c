using System.CommandLine;
using KeylessGeo.Contracts.V1;
using Grpc.Core;
using Spectre.Console;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.Cli.Commands;

/// <summary><c>keylessgeo capacity</c>: a keyserver's measured capacity and current load.</summary>
public static class CapacityCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(IAnsiConsole console)
    {
        var connection = new ConnectionOptions();
        var command = new Command("capacity", "Show a keyserver's measured capacity per algorithm, accelerator and current load.");
        connection.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            Capacity capacity;
            try
            {
                using var channel = connection.Open(parse);
                capacity = await new KeyServerClient(channel).GetCapacityAsync(new GetCapacityRequest(), cancellationToken: cancellation);
            }
            catch (InvalidOperationException ex)
            {
                console.MarkupLineInterpolated($"[red]bad arguments[/]: {ex.Message}");
                return 2;
            }
            catch (RpcException ex)
            {
                console.MarkupLineInterpolated($"[red]call failed[/]: {ex.StatusCode}: {ex.Status.Detail}");
                return 3;
            }

            console.MarkupLineInterpolated($"keyserver [bold]{capacity.ServedBy.KeyserverId}[/] in [bold]{capacity.ServedBy.Datacenter}[/]");
            var accelerator = capacity.Accelerator.Kind.Length == 0 ? "none" : $"{capacity.Accelerator.Kind} (x{capacity.Accelerator.Multiplier:0.##})";
            console.MarkupLineInterpolated($"accelerator: {accelerator}");
            if (capacity.Algorithms.Count == 0)
            {
                // Not an empty table: say why there is nothing to show.
                console.MarkupLine("capacity: not measured (calibration is off, KeyServer:Admission:CalibrationDuration 0, or has not finished)");
            }
            else
            {
                var table = new Table().AddColumn("algorithm").AddColumn(new TableColumn("operations/s").RightAligned());
                foreach (var algorithm in capacity.Algorithms)
                {
                    table.AddRow(algorithm.Algorithm, algorithm.OperationsPerSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                }

                console.Write(table);
            }

            var load = capacity.Load;
            console.MarkupLineInterpolated(
                $"load: {load.InFlight}/{load.ConcurrencyLimit} running, {load.Queued}/{load.QueueLimit} queued, {load.CompletedTotal} completed, {load.RejectedOverloadedTotal} rejected OVERLOADED");
            return 0;
        });
        return command;
    }
}
