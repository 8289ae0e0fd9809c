using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Serving.Keyless;

/// <summary>
/// What <see cref="KeylessRequestDispatcher.Start"/> made of one request: a reply to write now, or
/// a signing request whose response is still to come.
/// </summary>
internal readonly struct KeylessDispatch
{
    private KeylessDispatch(KeylessReply reply, bool overloaded, KeylessOpcode opcode, SignRequest? request, ValueTask<SignResponse> response, bool pending)
    {
        Reply = reply;
        Overloaded = overloaded;
        Opcode = opcode;
        Request = request;
        Response = response;
        IsPending = pending;
    }

    /// <summary>Whether the signing core has not answered yet: <see cref="Response"/> completes later.</summary>
    public bool IsPending { get; }

    /// <summary>The reply to write now (when not <see cref="IsPending"/>).</summary>
    public KeylessReply Reply { get; }

    /// <summary>Whether the reply is <c>OVERLOADED</c> from the signing core: read no further until capacity frees.</summary>
    public bool Overloaded { get; }

    /// <summary>The request's opcode (when <see cref="IsPending"/>).</summary>
    public KeylessOpcode Opcode { get; }

    /// <summary>The signing request (when <see cref="IsPending"/>).</summary>
    public SignRequest? Request { get; }

    /// <summary>The signing core's response still to come (when <see cref="IsPending"/>).</summary>
    public ValueTask<SignResponse> Response { get; }

    public static KeylessDispatch Answered(in KeylessReply reply, bool overloaded = false) => new(reply, overloaded, default, null, default, pending: false);

    public static KeylessDispatch Started(KeylessOpcode opcode, SignRequest request, ValueTask<SignResponse> response) =>
        new(default, overloaded: false, opcode, request, response, pending: true);
}
