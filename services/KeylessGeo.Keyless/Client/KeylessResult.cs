using System.Globalization;
using KeylessGeo.Contracts.V1;
using KeylessGeo.Keyless.Protocol;

namespace KeylessGeo.Keyless.Client;

/// <summary>
/// The outcome of one Keyless request: the result bytes, or an <see cref="ErrorCode"/> with a
/// message and, when the server answered with an error, the raw wire error byte. Per-request
/// failures are results, never exceptions.
/// </summary>
public readonly struct KeylessResult
{
    private KeylessResult(ReadOnlyMemory<byte> value, ErrorCode code, string message, KeylessError? wireError, bool mayHaveReachedServer)
    {
        Value = value;
        Code = code;
        Message = message;
        WireError = wireError;
        MayHaveReachedServer = mayHaveReachedServer;
    }

    /// <summary>True when the server answered with a result (<see cref="Value"/>).</summary>
    public bool IsSuccess => Code == ErrorCode.Unspecified;

    /// <summary>The result: the signature (DER for ECDSA), the plaintext, or the ping echo. Empty on failure.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The error; <see cref="ErrorCode.Unspecified"/> on success.</summary>
    public ErrorCode Code { get; }

    /// <summary>What went wrong, for logs and operators (never key material); empty on success.</summary>
    public string Message { get; }

    /// <summary>The error byte the server sent (opcode 0xFF), or null when the error was not the server's answer.</summary>
    public KeylessError? WireError { get; }

    /// <summary>
    /// False only when the client knows the server never received the request (it was refused
    /// locally or its connection failed before it was written), so it is safe to send it elsewhere.
    /// </summary>
    public bool MayHaveReachedServer { get; }

    /// <summary>A successful result.</summary>
    public static KeylessResult Success(ReadOnlyMemory<byte> value) => new(value, ErrorCode.Unspecified, string.Empty, null, true);

    /// <summary>An error the server answered with (opcode 0xFF), mapped by <see cref="KeylessErrorMapping"/>.</summary>
    public static KeylessResult FromWireError(KeylessError wireError)
        => new(default, KeylessErrorMapping.ToErrorCode(wireError), KeylessErrorMapping.Describe(wireError), wireError, true);

    /// <summary>A failure decided by the client (no wire error byte).</summary>
    public static KeylessResult Failure(ErrorCode code, string message, bool mayHaveReachedServer)
    {
        if (code == ErrorCode.Unspecified)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "A failure needs an error code.");
        }

        return new(default, code, message, null, mayHaveReachedServer);
    }

    /// <inheritdoc />
    public override string ToString() => IsSuccess
        ? string.Create(CultureInfo.InvariantCulture, $"OK ({Value.Length} bytes)")
        : WireError is { } wire
            ? string.Create(CultureInfo.InvariantCulture, $"{Code} (wire 0x{(byte)wire:X2}): {Message}")
            : string.Create(CultureInfo.InvariantCulture, $"{Code}: {Message}");
}
