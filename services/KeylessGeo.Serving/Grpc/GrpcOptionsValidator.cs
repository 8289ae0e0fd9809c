using System.Globalization;
using Microsoft.Extensions.Options;

namespace KeylessGeo.Serving.Grpc;

/// <summary>Checks <see cref="GrpcOptions"/> and reports every problem at once, each naming the field and the bad value.</summary>
public sealed class GrpcOptionsValidator : IValidateOptions<GrpcOptions>
{
    /// <summary>The smallest flow-control window HTTP/2 allows a server to advertise (its initial default).</summary>
    public const int SmallestWindow = 65_535;

    /// <summary>
    /// The largest flow-control window accepted: a request is under 1 KiB, so a larger window only
    /// raises the bytes a client may make the server hold.
    /// </summary>
    public const int LargestWindow = 16 * 1024 * 1024;

    /// <summary>The most calls one connection may be allowed to have open.</summary>
    public const int LargestStreamLimit = 10_000;

    private const string Section = GrpcOptions.SectionName;

    // A request carries a digest or a ciphertext (at most 512 bytes for RSA-4096) plus key references;
    // anything far beyond 1 MiB is not a signing request.
    private const int LargestMessageLimit = 16 * 1024 * 1024;
    private const int SmallestMessageLimit = 1024;
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);

    // Kestrel checks keep-alive pings on its one-second heartbeat and refuses shorter settings.
    private static readonly TimeSpan ShortestPingSetting = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GrpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        CheckSize(errors, "MaxReceiveMessageSize", options.MaxReceiveMessageSize);
        CheckSize(errors, "MaxSendMessageSize", options.MaxSendMessageSize);
        if (options.ResponseQueueCapacity is < 1 or > 65536)
        {
            errors.Add(Format($"{Section}:ResponseQueueCapacity {options.ResponseQueueCapacity} is outside 1..65536."));
        }

        CheckConnections(errors, options);
        CheckTimeouts(errors, options);
        CheckHttp2(errors, options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckSize(List<string> errors, string field, int value)
    {
        if (value is < SmallestMessageLimit or > LargestMessageLimit)
        {
            errors.Add(Format($"{Section}:{field} {value} is outside {SmallestMessageLimit}..{LargestMessageLimit} bytes."));
        }
    }

    private static void CheckConnections(List<string> errors, GrpcOptions options)
    {
        if (options.MaxConnections < 1)
        {
            errors.Add(Format($"{Section}:MaxConnections {options.MaxConnections} must be at least 1."));
        }

        if (options.MaxConnectionsPerClient < 1 || options.MaxConnectionsPerClient > Math.Max(1, options.MaxConnections))
        {
            errors.Add(Format($"{Section}:MaxConnectionsPerClient {options.MaxConnectionsPerClient} must be between 1 and {Section}:MaxConnections ({options.MaxConnections})."));
        }
    }

    private static void CheckTimeouts(List<string> errors, GrpcOptions options)
    {
        var idleValid = CheckDuration(errors, "IdleTimeout", options.IdleTimeout, TimeSpan.Zero);
        var delayValid = CheckDuration(errors, "KeepAlivePingDelay", options.KeepAlivePingDelay, ShortestPingSetting);
        CheckDuration(errors, "KeepAlivePingTimeout", options.KeepAlivePingTimeout, ShortestPingSetting);
        CheckDuration(errors, "RequestHeadersTimeout", options.RequestHeadersTimeout, TimeSpan.Zero);

        // Kestrel counts a PING acknowledgement as activity on a connection without calls: with
        // pings at least as frequent as the idle timeout, an idle connection would never close.
        if (idleValid && delayValid && options.KeepAlivePingDelay <= options.IdleTimeout)
        {
            errors.Add(Format($"{Section}:KeepAlivePingDelay {options.KeepAlivePingDelay} must be longer than {Section}:IdleTimeout ({options.IdleTimeout}): each ping's acknowledgement restarts the idle clock, so idle connections would never be closed."));
        }
    }

    private static bool CheckDuration(List<string> errors, string field, TimeSpan value, TimeSpan shortest)
    {
        if (value <= TimeSpan.Zero || value < shortest || value > MaxDuration)
        {
            var lower = shortest > TimeSpan.Zero ? Format($"at least {shortest}") : "more than 00:00:00";
            errors.Add(Format($"{Section}:{field} {value} must be {lower} and at most {MaxDuration} (1 day)."));
            return false;
        }

        return true;
    }

    private static void CheckHttp2(List<string> errors, GrpcOptions options)
    {
        if (options.MaxStreamsPerConnection is < 1 or > LargestStreamLimit)
        {
            errors.Add(Format($"{Section}:MaxStreamsPerConnection {options.MaxStreamsPerConnection} is outside 1..{LargestStreamLimit}."));
        }

        CheckWindow(errors, "InitialConnectionWindowSize", options.InitialConnectionWindowSize);
        CheckWindow(errors, "InitialStreamWindowSize", options.InitialStreamWindowSize);
    }

    private static void CheckWindow(List<string> errors, string field, int value)
    {
        if (value is < SmallestWindow or > LargestWindow)
        {
            errors.Add(Format($"{Section}:{field} {value} is outside {SmallestWindow}..{LargestWindow} bytes."));
        }
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
