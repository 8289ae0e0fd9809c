using System.Globalization;

namespace KeylessGeo.Rpc.Framing;

/// <summary>
/// The <c>grpc-timeout</c> header: 1 to 8 ASCII digits followed by a unit
/// (H hours, M minutes, S seconds, m milliseconds, u microseconds, n nanoseconds).
/// </summary>
public static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>Parses a header value; false when it does not follow the grammar.</summary>
    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (value is null || value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        long amount = 0;
        for (var i = 0; i < value.Length - 1; i++)
        {
            var c = value[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            amount = (amount * 10) + (c - '0');
        }

        // Convert with saturation: 99999999H does not fit a TimeSpan.
        var ticks = value[^1] switch
        {
            'H' => Multiply(amount, TimeSpan.TicksPerHour),
            'M' => Multiply(amount, TimeSpan.TicksPerMinute),
            'S' => Multiply(amount, TimeSpan.TicksPerSecond),
            'm' => Multiply(amount, TimeSpan.TicksPerMillisecond),
            'u' => amount * TimeSpan.TicksPerMicrosecond,
            'n' => (amount + 99) / 100,
            _ => -1L,
        };
        if (ticks < 0)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>
    /// Formats <paramref name="timeout"/> with the finest unit that fits in 8 digits, rounding
    /// up so that a positive timeout never becomes zero. Negative timeouts format as <c>0n</c>.
    /// </summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(0, timeout.Ticks);
        if (ticks <= MaxValue / 100)
        {
            return (ticks * 100).ToString(CultureInfo.InvariantCulture) + "n";
        }

        ReadOnlySpan<long> units = [TimeSpan.TicksPerMicrosecond, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute, TimeSpan.TicksPerHour];
        ReadOnlySpan<char> suffixes = ['u', 'm', 'S', 'M', 'H'];
        for (var i = 0; i < units.Length; i++)
        {
            var amount = (ticks + units[i] - 1) / units[i];
            if (amount <= MaxValue)
            {
                return amount.ToString(CultureInfo.InvariantCulture) + suffixes[i].ToString();
            }
        }

        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }

    private static long Multiply(long amount, long unit) => amount > long.MaxValue / unit ? long.MaxValue : amount * unit;
}
