using System.Globalization;

namespace KeylessGeo.KeyServer.Configuration.Gokeyless;

/// <summary>
/// Reads a duration written the way gokeyless (Go) writes them: a sequence of numbers, each with
/// an optional fraction and a unit — <c>ns</c>, <c>us</c> (or <c>µs</c>), <c>ms</c>, <c>s</c>,
/// <c>m</c>, <c>h</c> — such as <c>500ms</c> or <c>1m30s</c>; a plain <c>0</c> is zero.
/// </summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", TimeSpan.TicksPerMillisecond / 1_000_000.0),
        ("us", TimeSpan.TicksPerMillisecond / 1_000.0),
        ("µs", TimeSpan.TicksPerMillisecond / 1_000.0),
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>The duration, or null when <paramref name="text"/> is not one (negative ones included).</summary>
    public static TimeSpan? TryParse(string text)
    {
        var rest = text.Trim().AsSpan();
        if (rest.SequenceEqual("0"))
        {
            return TimeSpan.Zero;
        }

        if (rest.IsEmpty)
        {
            return null;
        }

        double ticks = 0;
        while (!rest.IsEmpty)
        {
            var numberLength = rest.IndexOfAnyExcept("0123456789.");
            if (numberLength <= 0 ||
                !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            rest = rest[numberLength..];
            var unitLength = rest.IndexOfAny("0123456789.");
            var unit = unitLength < 0 ? rest : rest[..unitLength];
            var scale = Scale(unit);
            if (scale is null)
            {
                return null;
            }

            ticks += number * scale.Value;
            rest = rest[unit.Length..];
        }

        return ticks > TimeSpan.MaxValue.Ticks ? null : TimeSpan.FromTicks((long)Math.Round(ticks));
    }

    private static double? Scale(ReadOnlySpan<char> unit)
    {
        foreach (var (name, ticks) in Units)
        {
            if (unit.SequenceEqual(name))
            {
                return ticks;
            }
        }

        return null;
    }
}
