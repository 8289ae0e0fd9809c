using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Codec;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// The Keyless protocol's request logic, shared by every transport (Kestrel's pipes, the epoll
/// loops): parses a frame's items, answers pings and bad requests at once, hands private-key
/// operations to the signing core, maps its responses to replies, and counts each answered request.
/// Thread-safe; holds no per-connection state.
/// </summary>
internal sealed class KeylessRequestDispatcher
{
    private readonly KeylessListenerServices _services;

    public KeylessRequestDispatcher(KeylessListenerServices services) => _services = services;

    /// <summary>
    /// Answers or starts the request in <paramref name="frame"/> (its body is copied where needed:
    /// the caller may reuse the input afterwards). <paramref name="cost"/> is what the request
    /// reserved in the response budget; <paramref name="aborted"/> abandons work queued for a worker.
    /// </summary>
    public KeylessDispatch Start(in KeylessFrame frame, int cost, CancellationToken aborted)
    {
        if (!KeylessItemParser.TryParseRequest(frame.Body, out var items, out var error))
        {
            return Answer(KeylessReply.Failure(frame.Id, error.WireError, cost), items.HasOpcode ? items.Opcode : null);
        }

        var opcode = items.Opcode;
        if (opcode == KeylessOpcode.Ping)
        {
            return Answer(KeylessReply.Pong(frame.Id, items.Payload, cost), opcode);
        }

        var operation = KeylessOperations.ToOperation(opcode);
        if (operation == Operation.Unspecified)
        {
            return Answer(KeylessReply.Failure(frame.Id, KeylessErrorMap.UnsupportedOptionalOpcode, cost), opcode);
        }

        var request = KeylessRequestMapper.ToSignRequest(frame.Id, operation, items);
        var response = _services.Signing.SignAsync(request, deadline: null, aborted);
        if (!response.IsCompleted)
        {
            return KeylessDispatch.Started(opcode, request, response);
        }

        var answered = response.IsCompletedSuccessfully ? response.Result : null;
        return KeylessDispatch.Answered(Complete(frame.Id, opcode, request, answered, cost), answered?.Error?.Code == ErrorCode.Overloaded);
    }

    /// <summary>The reply to a signing request the core answered with <paramref name="response"/> (null: it failed or was cancelled).</summary>
    public KeylessReply Complete(uint id, KeylessOpcode opcode, SignRequest request, SignResponse? response, int cost)
    {
        KeylessReply reply;
        if (response?.OutcomeCase == SignResponse.OutcomeOneofCase.Result)
        {
            reply = KeylessReply.Result(id, response.Result.Memory, cost);
        }
        else
        {
            var code = response?.Error?.Code ?? ErrorCode.Internal;
            var unsupported = code == ErrorCode.BadRequest && _services.KeyTypes.OperationNotSupportedByKey(request);
            reply = KeylessReply.Failure(id, KeylessErrorMap.Map(code, unsupported), cost);
        }

        _services.Metrics.Request(opcode, reply.Kind == KeylessReplyKind.Error ? reply.Error : null);
        return reply;
    }

    private KeylessDispatch Answer(in KeylessReply reply, KeylessOpcode? opcode)
    {
        _services.Metrics.Request(opcode, reply.Kind == KeylessReplyKind.Error ? reply.Error : null);
        return KeylessDispatch.Answered(reply);
    }
}
