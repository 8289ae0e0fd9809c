using System.Buffers;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Rpc.Framing;

namespace KeylessGeo.Benchmarks;

/// <summary>Length-prefixed framing of a typical SignRequest (32-byte digest, SKI reference).</summary>
[MemoryDiagnoser]
public class GrpcFramingBenchmarks
{
    private readonly ArrayBufferWriter<byte> _writer = new(256);
    private SignRequest _request = null!;
    private ReadOnlySequence<byte> _frame;

    [GlobalSetup]
    public void Setup()
    {
        _request = new SignRequest
        {
            Id = 123456,
            Key = new KeyRef { Ski = ByteString.CopyFrom(new byte[20]), Sni = "www.example.com" },
            Operation = Operation.EcdsaSha256,
            Payload = ByteString.CopyFrom(new byte[32]),
            TimeoutMs = 2000,
        };
        GrpcFrame.Write(_writer, _request, GrpcFrame.DefaultMaxMessageSize);
        _frame = new ReadOnlySequence<byte>(_writer.WrittenMemory.ToArray());
    }

    [Benchmark]
    public int WriteFrame()
    {
        _writer.ResetWrittenCount();
        return GrpcFrame.Write(_writer, _request, GrpcFrame.DefaultMaxMessageSize);
    }

    [Benchmark]
    public SignRequest ReadAndParseFrame()
    {
        GrpcFrame.TryRead(_frame, GrpcFrame.DefaultMaxMessageSize, out _, out _, out var payload, out _);
        return SignRequest.Parser.ParseFrom(payload);
    }
}
