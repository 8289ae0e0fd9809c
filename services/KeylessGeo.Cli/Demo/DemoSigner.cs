using Google.Protobuf;
using KeylessGeo.Contracts.V1;

namespace KeylessGeo.Cli.Demo;

/// <summary>Asks one demo keyserver for one demo signature over gRPC.</summary>
public static class DemoSigner
{
    /// <summary>One signature request; the response carries the result or a per-request error.</summary>
    public static async Task<SignResponse> SignAsync(DemoKeyserver keyserver, DemoSignatureCheck check, CancellationToken cancellationToken) =>
        await keyserver.Client.SignAsync(new SignRequest
        {
            Id = 1,
            Key = new KeyRef { KeyId = check.KeyId },
            Operation = check.Operation,
            Payload = ByteString.CopyFrom(check.Payload),
        }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);

    /// <summary>
    /// Signs until the keyserver's answer is settled: it may still be applying the change that
    /// imported the key (not found yet, or its copy of the policy key not yet wrapped).
    /// Gives up after <paramref name="patience"/> and returns the last answer.
    /// </summary>
    public static async Task<SignResponse> SignSettledAsync(DemoKeyserver keyserver, DemoSignatureCheck check, TimeSpan patience, CancellationToken cancellationToken)
    {
        var giveUp = DateTimeOffset.UtcNow + patience;
        while (true)
        {
            var response = await SignAsync(keyserver, check, cancellationToken);
            var settled = response.OutcomeCase == SignResponse.OutcomeOneofCase.Result ||
                response.Error.Code is not (ErrorCode.KeyNotFound or ErrorCode.Internal or ErrorCode.Unavailable);
            if (settled || DateTimeOffset.UtcNow > giveUp)
            {
                return response;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }
}
