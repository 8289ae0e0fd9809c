using System.Buffers.Binary;
using KeylessGeo.OpenSslEngine.Engine;
using KeylessGeo.OpenSslEngine.Keys;

namespace KeylessGeo.OpenSslEngine.Agent;

/// <summary>
/// One private-key operation through the edge agent: a Keyless request naming the key by SKI
/// (and certificate digest for RSA), sent on a pooled connection, its answer awaited until the
/// deadline. The calling thread blocks; nothing else runs on the engine's behalf. Failures are
/// raised on OpenSSL's error queue and the connection is dropped, so a late answer can never be
/// read as the next request's.
/// </summary>
internal static class KeylessCall
{
    private const int HeaderLength = 8;

    /// <summary>
    /// Runs <paramref name="opcode"/> over <paramref name="payload"/> for <paramref name="key"/>
    /// and copies the result to <paramref name="output"/>; the result's length, or -1 after raising an error.
    /// </summary>
    public static int Run(RemoteKey key, byte opcode, ReadOnlySpan<byte> payload, Span<byte> output)
    {
        if (!EngineSettings.Check())
        {
            return -1;
        }

        var deadline = Environment.TickCount64 + EngineSettings.DeadlineMs;
        while (true)
        {
            var connection = AgentConnections.Take();
            var reused = connection is not null;
            if (connection is null)
            {
                connection = AgentConnection.Open(EngineSettings.SocketPath, deadline, out var openStatus);
                if (connection is null)
                {
                    return Fail(openStatus, key, opcode);
                }
            }

            var status = Exchange(connection, key, opcode, payload, out var resultOffset, out var resultLength, out var answeredAny, deadline);
            if (status == AgentStatus.Ok)
            {
                var result = connection.Buffer.AsSpan(resultOffset, resultLength);
                var written = Deliver(key, opcode, connection.Buffer[resultOffset - 1], result, output);
                result.Clear();
                connection.Reused = true;
                AgentConnections.Return(connection);
                return written;
            }

            connection.Close();

            // An idle connection the agent closed meanwhile fails before any answer: try once on a fresh one.
            if (!(reused && status == AgentStatus.Broken && !answeredAny && Environment.TickCount64 < deadline))
            {
                return Fail(status, key, opcode);
            }
        }
    }

    private static AgentStatus Exchange(
        AgentConnection connection, RemoteKey key, byte opcode, ReadOnlySpan<byte> payload,
        out int resultOffset, out int resultLength, out bool answeredAny, long deadline)
    {
        resultOffset = resultLength = 0;
        answeredAny = false;
        var buffer = connection.Buffer.AsSpan();
        var id = connection.NextId++;
        var length = HeaderLength;
        length += Item(buffer[length..], KeylessOpcode.TagSki, key.Ski);
        if (key.CertificateDigest is { } digest)
        {
            length += Item(buffer[length..], KeylessOpcode.TagCertificateDigest, digest);
        }

        length += Item(buffer[length..], KeylessOpcode.TagOpcode, [opcode]);
        length += Item(buffer[length..], KeylessOpcode.TagPayload, payload);
        buffer[0] = 1;
        buffer[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)(length - HeaderLength));
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], id);

        var status = connection.Send(length, deadline);
        buffer[HeaderLength..length].Clear();
        if (status != AgentStatus.Ok)
        {
            return status;
        }

        status = connection.Receive(0, HeaderLength, deadline);
        if (status != AgentStatus.Ok)
        {
            return status;
        }

        answeredAny = true;
        var bodyLength = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        if (buffer[0] != 1 || BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]) != id || bodyLength > buffer.Length - HeaderLength)
        {
            return AgentStatus.Malformed;
        }

        status = connection.Receive(HeaderLength, bodyLength, deadline);
        if (status != AgentStatus.Ok)
        {
            return status;
        }

        // Items: tag (1), length (2), data. The answer's opcode and payload are all that matter.
        var answerOpcode = -1;
        for (var position = HeaderLength; position < HeaderLength + bodyLength;)
        {
            if (position + 3 > HeaderLength + bodyLength)
            {
                return AgentStatus.Malformed;
            }

            var tag = buffer[position];
            var itemLength = BinaryPrimitives.ReadUInt16BigEndian(buffer[(position + 1)..]);
            var data = position + 3;
            if (data + itemLength > HeaderLength + bodyLength)
            {
                return AgentStatus.Malformed;
            }

            if (tag == KeylessOpcode.TagOpcode && itemLength == 1)
            {
                answerOpcode = buffer[data];
            }
            else if (tag == KeylessOpcode.TagPayload)
            {
                resultOffset = data;
                resultLength = itemLength;
            }

            position = data + itemLength;
        }

        if (answerOpcode < 0 || resultOffset == 0)
        {
            return AgentStatus.Malformed;
        }

        // The byte before the payload item's data is free to carry the answer's opcode to Deliver.
        buffer[resultOffset - 1] = (byte)answerOpcode;
        return AgentStatus.Ok;
    }

    private static int Deliver(RemoteKey key, byte opcode, byte answerOpcode, ReadOnlySpan<byte> result, Span<byte> output)
    {
        if (answerOpcode == KeylessOpcode.Error)
        {
            var code = result.Length == 1 ? result[0] : (byte)0;
            EngineErrors.Raise(EngineError.KeyserverError,
                $"opcode 0x{opcode:X2} for the key of {key.CertificatePath}: the edge agent answered {KeylessOpcode.ErrorName(code)} (0x{code:X2})");
            return -1;
        }

        if (answerOpcode != KeylessOpcode.Response || result.Length > output.Length)
        {
            EngineErrors.Raise(EngineError.ProtocolError,
                $"opcode 0x{opcode:X2} for the key of {key.CertificatePath}: unexpected answer (opcode 0x{answerOpcode:X2}, {result.Length} bytes)");
            return -1;
        }

        result.CopyTo(output);
        return result.Length;
    }

    private static int Item(Span<byte> destination, byte tag, ReadOnlySpan<byte> data)
    {
        destination[0] = tag;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)data.Length);
        data.CopyTo(destination[3..]);
        return 3 + data.Length;
    }

    private static int Fail(AgentStatus status, RemoteKey key, byte opcode)
    {
        var (reason, what) = status switch
        {
            AgentStatus.Unreachable => (EngineError.AgentUnreachable, $"cannot connect to the edge agent at {EngineSettings.SocketPath}"),
            AgentStatus.DeadlineExceeded => (EngineError.DeadlineExceeded, $"no answer from the edge agent at {EngineSettings.SocketPath} within {EngineSettings.DeadlineMs} ms"),
            AgentStatus.Broken => (EngineError.ProtocolError, $"the connection to the edge agent at {EngineSettings.SocketPath} broke"),
            _ => (EngineError.ProtocolError, $"the edge agent at {EngineSettings.SocketPath} sent an answer that is not for this request"),
        };
        EngineErrors.Raise(reason, $"opcode 0x{opcode:X2} for the key of {key.CertificatePath}: {what}");
        return -1;
    }
}
