namespace KeylessGeo.Serving.Keyless;

/// <summary>What a transport knows about a closed Keyless connection, for <see cref="KeylessCloseLog"/>.</summary>
/// <param name="Requests">Requests read (framing errors excluded).</param>
/// <param name="Framing">The framing error that closed it, if one did.</param>
/// <param name="Enforced">The limit that closed it, if one did.</param>
/// <param name="TransportErrorType">The kind of transport failure that ended it (an exception type, an OpenSSL error kind), if one did.</param>
/// <param name="TransportErrorMessage">That failure's message.</param>
/// <param name="PartialBytes">Bytes of the incomplete message when the partial-message timeout closed it.</param>
/// <param name="OverShareBytes">Bytes of responses it held when the response budget closed it.</param>
/// <param name="FairShare">Its fair share of the spent budget then.</param>
internal readonly record struct KeylessCloseDetails(
    long Requests,
    KeylessFraming? Framing,
    KeylessCloseReason? Enforced,
    string? TransportErrorType,
    string? TransportErrorMessage,
    long PartialBytes,
    long OverShareBytes,
    long FairShare);
