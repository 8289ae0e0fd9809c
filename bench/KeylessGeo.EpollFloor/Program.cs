using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using KeylessGeo.EpollFloor;
using KeylessGeo.EpollFloor.Keys;
using KeylessGeo.EpollFloor.Loop;
using KeylessGeo.EpollFloor.Protocol;
using KeylessGeo.EpollFloor.Tls;

[module: SkipLocalsInit]
[assembly: DisableRuntimeMarshalling]

// keyless-floor (bench/floor/keyless-floor.c) in C#: the same command line, output lines and exchange,
// over libc epoll, libssl and libcrypto through P/Invoke, on --loops dedicated event-loop threads.
var errors = new List<string>();
var options = FloorOptions.Parse(args, errors);
var keys = new List<SigningKey>();
foreach (var path in options.SignKeys)
{
    if (SigningKey.Load(path, errors) is { } key)
    {
        keys.Add(key);
    }
}
if (errors.Count > 0)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine($"epoll-floor: {error}");
    }
    Console.Error.WriteLine(FloorOptions.Usage);
    return 2;
}

var tls = ServerTls.Create(options.Cert, options.Key, options.Ca, out var tlsError);
if (tls == 0)
{
    Console.Error.WriteLine($"epoll-floor: {tlsError}");
    return 2;
}
var loops = new EventLoop[options.Loops];
for (var i = 0; i < loops.Length; i++)
{
    loops[i] = new EventLoop(i, new RequestAnswerer(new KeyContexts(keys)), options.SharedEpoll && i > 0 ? loops[0].Epoll : -1);
}
var listener = Listener.Open(options.Port, tls, loops, options.SharedEpoll, out var listenError);
if (listener is null)
{
    Console.Error.WriteLine($"epoll-floor: {listenError}");
    return 1;
}
loops[0].Accept(listener);
if (options.SharedEpoll)
{
    // Any loop may take the listener's event from the shared set; it is in the set once.
    for (var i = 1; i < loops.Length; i++)
    {
        loops[i].Accept(listener, register: false);
    }
}

// The runtime's signal handling runs this on its own thread; the loops stop at their eventfd.
using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
stop.Token.Register(() =>
{
    foreach (var loop in loops)
    {
        loop.Stop();
    }
});

foreach (var loop in loops)
{
    loop.Start();
}
// keyless-floor's ready line, word for word up to the port (scripts read the port from it).
Console.Out.WriteLine($"keyless-floor: listening on 127.0.0.1:{listener.Port} (pid {Environment.ProcessId}, {keys.Count} signing keys, managed, {loops.Length} loops)");
Console.Out.Flush();
foreach (var loop in loops)
{
    loop.Join();
}
Console.Error.WriteLine(CpuReport.Line(loops));
return 0;

