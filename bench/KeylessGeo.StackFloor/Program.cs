using System.Runtime.InteropServices;
using KeylessGeo.StackFloor;

// A measuring tool for issue 13 (bench/floor/README.md): serves the Keyless exchange, or gRPC
// SignStream, on one .NET layer at a time, so each layer's CPU per operation can be set beside the
// C floor's. --check-grpc checks a gRPC server's answers instead of serving.
var options = FloorOptions.Parse(args, out var errors);
if (errors.Count > 0)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine($"stack-floor: {error}");
    }

    Console.Error.WriteLine(FloorOptions.Usage);
    return 2;
}

if (options.CheckGrpc is not null)
{
    var failure = await GrpcCheck.RunAsync(options);
    Console.WriteLine(failure is null
        ? "check-grpc: signatures on one stream verify, several in flight, unknown key answered, client certificate required: ok"
        : $"check-grpc: FAILED: {failure}");
    return failure is null ? 0 : 1;
}

var keys = new FloorKeys(options.SignKeys.Select(FloorKey.Load));
var tls = new FloorTls(options.Certificate, options.Key, options.Ca);
var counters = new FloorCounters();
using var stopping = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}

using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

int port;
Task serving;
Microsoft.AspNetCore.Builder.WebApplication? app = null;
if (options.Stack == FloorStack.Socket)
{
    var floor = new SocketFloor(keys, tls, counters);
    port = floor.Bind(options.Port);
    serving = floor.RunAsync(stopping.Token);
}
else
{
    app = KestrelFloor.Build(options.Stack, options.Port, keys, tls, counters);
    await app.StartAsync();
    port = KestrelFloor.BoundPort(app);
    serving = Task.Delay(Timeout.Infinite, stopping.Token);
}

Console.WriteLine($"stack-floor: listening on 127.0.0.1:{port} (pid {Environment.ProcessId}, stack {options.Stack.ToString().ToLowerInvariant()}, {keys.Count} signing keys)");
try
{
    await serving;
}
catch (OperationCanceledException)
{
}

// Measured at the signal, before shutting down, as the C floor does.
Console.Error.WriteLine(counters.Report());
if (app is not null)
{
    await app.StopAsync();
    await app.DisposeAsync();
}

return 0;
