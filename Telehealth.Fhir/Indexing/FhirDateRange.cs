using System.Globalization;

namespace Telehealth.Fhir.Indexing;

/// <summary>
/// A FHIR date, dateTime or instant as the inclusive range of UTC ticks its precision covers:
/// "2024-02" is every moment of February 2024.
/// </summary>
public readonly record struct FhirDateRange(long Low, long High)
{
    public static bool TryParse(string? text, out FhirDateRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        try
        {
            if (text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
                return Make(new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc), d => d.AddYears(1), out range);
            if (text.Length == 7 && DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var month))
                return Make(month, d => d.AddMonths(1), out range);
            if (text.Length == 10 && DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
                return Make(day, d => d.AddDays(1), out range);
            return TryParseDateTime(text, out range);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    public static FhirDateRange Exact(DateTimeOffset instant) => new(instant.UtcTicks, instant.UtcTicks);

    private static bool TryParseDateTime(string text, out FhirDateRange range)
    {
        range = default;
        var tIndex = text.IndexOf('T');
        if (tIndex != 10) return false;
        var timePart = text[(tIndex + 1)..];
        // Precision follows the digits given: to the minute, the second, or a fraction of it.
        var zoneStart = timePart.IndexOfAny(['Z', '+', '-']);
        var clock = zoneStart < 0 ? timePart : timePart[..zoneStart];
        var zone = zoneStart < 0 ? "Z" : timePart[zoneStart..];
        var normalized = text[..tIndex] + "T" + clock + (zone == "Z" ? "+00:00" : zone);
        if (!DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
            return false;
        TimeSpan width = clock.Length switch
        {
            5 => TimeSpan.FromMinutes(1),
            8 => TimeSpan.FromSeconds(1),
            > 9 => TimeSpan.FromTicks((long)Math.Pow(10, 7 - Math.Min(7, clock.Length - 9))),
            _ => TimeSpan.FromSeconds(1),
        };
        range = new FhirDateRange(start.UtcTicks, start.UtcTicks + width.Ticks - 1);
        return true;
    }

    private static bool Make(DateTime start, Func<DateTime, DateTime> next, out FhirDateRange range)
    {
        range = new FhirDateRange(start.Ticks, next(start).Ticks - 1);
        return true;
    }
}
