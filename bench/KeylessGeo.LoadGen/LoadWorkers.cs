using System.Diagnostics;
using System.Threading.Channels;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using KeyServerClient = KeylessGeo.Contracts.V1.KeyServer.KeyServerClient;

namespace KeylessGeo.LoadGen;

/// <summary>Closed-loop workers: each keeps a fixed number of requests in flight until stopped.</summary>
public static class LoadWorkers
{
    /// <summary>
    /// One SignStream call with <see cref="LoadSettings.InFlight"/> requests outstanding: every
    /// response sends the next request from the same slot (the id's low 16 bits).
    /// </summary>
    public static async Task RunStreamAsync(GrpcChannel channel, LoadSettings settings, LatencyRecorder recorder, CancellationToken stop)
    {
        using var call = new KeyServerClient(channel).SignStream();
        var slots = settings.InFlight;
        var requests = new SignRequest[slots];
        var starts = new long[slots];
        var pacing = LoadPacing.ForConnection(settings, slots);
        ulong sequence = 0;

        // gRPC allows one write at a time and Grpc.Net.Client flushes each message, so the reading
        // loop hands slots to a writer task instead of waiting for each write itself: reading
        // responses and writing requests overlap, as they would in an edge agent.
        var ready = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        for (var slot = 0; slot < slots; slot++)
        {
            requests[slot] = NewRequest(settings);
            ready.Writer.TryWrite(slot);
        }

        var writing = WriteSlotsAsync();
        var outstanding = slots;
        var responses = call.ResponseStream;
        while (outstanding > 0 && await responses.MoveNext(CancellationToken.None))
        {
            var response = responses.Current;
            var index = (int)(response.Id & 0xFFFF);
            Record(recorder, response, starts[index]);
            if (stop.IsCancellationRequested)
            {
                outstanding--;
                continue;
            }

            ready.Writer.TryWrite(index);
        }

        ready.Writer.TryComplete();
        await writing;
        await call.RequestStream.CompleteAsync();
        while (await responses.MoveNext(CancellationToken.None))
        {
        }

        async Task WriteSlotsAsync()
        {
            await foreach (var slot in ready.Reader.ReadAllAsync())
            {
                if (pacing is not null)
                {
                    await pacing.WaitAsync(slot);
                }

                var request = requests[slot];
                request.Id = (++sequence << 16) | (uint)slot;
                starts[slot] = Stopwatch.GetTimestamp();
                await call.RequestStream.WriteAsync(request);
            }
        }
    }

    /// <summary>Unary Sign calls, <see cref="LoadSettings.InFlight"/> at a time, until stopped.</summary>
    public static Task RunUnaryAsync(GrpcChannel channel, LoadSettings settings, LatencyRecorder recorder, CancellationToken stop)
    {
        var loops = new Task[settings.InFlight];
        var recorders = new LatencyRecorder[settings.InFlight];
        for (var i = 0; i < loops.Length; i++)
        {
            recorders[i] = new LatencyRecorder();
            loops[i] = UnaryLoopAsync(new KeyServerClient(channel), settings, recorders[i], stop);
        }

        return MergeWhenDoneAsync(loops, recorders, recorder);
    }

    private static async Task UnaryLoopAsync(KeyServerClient client, LoadSettings settings, LatencyRecorder recorder, CancellationToken stop)
    {
        var request = NewRequest(settings);
        while (!stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                var response = await client.SignAsync(request);
                Record(recorder, response, start);
            }
            catch (RpcException ex)
            {
                recorder.Failure("grpc:" + ex.StatusCode);
            }
        }
    }

    private static async Task MergeWhenDoneAsync(Task[] loops, LatencyRecorder[] parts, LatencyRecorder into)
    {
        await Task.WhenAll(loops);
        into.Absorb(parts);
    }

    private static void Record(LatencyRecorder recorder, SignResponse response, long start)
    {
        if (response.OutcomeCase == SignResponse.OutcomeOneofCase.Result)
        {
            recorder.Success(start);
        }
        else
        {
            recorder.Failure(response.Error.Code.ToString());
        }
    }

    private static SignRequest NewRequest(LoadSettings settings) => new()
    {
        Key = new KeyRef { KeyId = settings.KeyId },
        Operation = settings.Operation,
        Payload = ByteString.CopyFrom(PayloadFor(settings.Operation)),
        TimeoutMs = settings.TimeoutMs,
    };

    private static byte[] PayloadFor(Operation operation)
    {
        var name = operation.ToString();
        var size = name.EndsWith("Sha512", StringComparison.Ordinal) ? 64
            : name.EndsWith("Sha384", StringComparison.Ordinal) ? 48
            : name.EndsWith("Sha1", StringComparison.Ordinal) ? 20
            : 32;
        var payload = new byte[size];
        Random.Shared.NextBytes(payload);
        return payload;
    }
}
