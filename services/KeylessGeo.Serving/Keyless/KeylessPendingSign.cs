using System.Runtime.CompilerServices;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// Waits for one signing request that did not complete at once and hands its response to the
/// connection, on the thread that completed it. Pooled per connection, with its continuation
/// delegate made once, so a request in flight costs no state machine or closure.
/// </summary>
internal sealed class KeylessPendingSign
{
    private readonly Action _continuation;
    private ConfiguredValueTaskAwaitable<SignResponse>.ConfiguredValueTaskAwaiter _awaiter;
    private IKeylessSignSink? _connection;
    private SignRequest? _request;
    private KeylessOpcode _opcode;
    private uint _id;
    private int _cost;

    public KeylessPendingSign() => _continuation = OnCompleted;

    public void Start(IKeylessSignSink connection, uint id, KeylessOpcode opcode, SignRequest request, int cost, ValueTask<SignResponse> response)
    {
        _connection = connection;
        _id = id;
        _cost = cost;
        _opcode = opcode;
        _request = request;
        _awaiter = response.ConfigureAwait(false).GetAwaiter();
        _awaiter.UnsafeOnCompleted(_continuation);
    }

    private void OnCompleted()
    {
        var connection = _connection!;
        var request = _request!;
        var id = _id;
        var opcode = _opcode;
        var cost = _cost;
        SignResponse? response;
        try
        {
            response = _awaiter.GetResult();
        }
        catch (Exception)
        {
            // Cancelled because the connection went away, or a fault in the core: either way
            // there is no result, and the request is answered "internal error".
            response = null;
        }

        _awaiter = default;
        _connection = null;
        _request = null;
        connection.OnSignCompleted(this, id, opcode, request, response, cost);
    }
}
