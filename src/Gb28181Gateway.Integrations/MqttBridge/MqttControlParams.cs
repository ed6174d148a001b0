using System.Globalization;
using System.Text.Json;

namespace Gb28181Gateway.Integrations.MqttBridge;

/// <summary>
/// The <c>params</c> object of a control request, read member by member so that every problem is reported
/// by name ("params.speed must be a whole number 1-255 (got "fast")").
/// </summary>
internal readonly struct MqttControlParams
{
    private readonly JsonElement _params;

    /// <param name="params">An object, or default when the request had none.</param>
    public MqttControlParams(JsonElement @params)
    {
        _params = @params;
    }

    public string RequiredString(string name, string what)
    {
        return OptionalString(name) ?? throw MqttControlException.InvalidParams($"params.{name} is required ({what})");
    }

    public string? OptionalString(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw MqttControlException.InvalidParams($"params.{name} must be a string (got {Describe(value)})");
        }

        var text = value.GetString()!.Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>A 20-digit GB28181 ID.</summary>
    public string RequiredId(string name)
    {
        var id = RequiredString(name, "a 20-digit GB28181 ID");
        if (id.Length != 20 || !id.All(char.IsAsciiDigit))
        {
            throw MqttControlException.InvalidParams($"params.{name} must be a 20-digit GB28181 ID (got \"{id}\")");
        }

        return id;
    }

    /// <summary>A 20-digit GB28181 ID, or null when absent.</summary>
    public string? OptionalId(string name) => OptionalString(name) is null ? null : RequiredId(name);

    public int? OptionalInt(string name, int min, int max)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
        {
            throw MqttControlException.InvalidParams($"params.{name} must be a whole number {min}-{max} (got {Describe(value)})");
        }

        return number;
    }

    public int RequiredInt(string name, int min, int max) =>
        OptionalInt(name, min, max) ?? throw MqttControlException.InvalidParams($"params.{name} is required (a whole number {min}-{max})");

    public double? OptionalDouble(string name, double min, double max)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number) || number < min || number > max)
        {
            throw MqttControlException.InvalidParams($"params.{name} must be a number {min.ToString(CultureInfo.InvariantCulture)}-{max.ToString(CultureInfo.InvariantCulture)} (got {Describe(value)})");
        }

        return number;
    }

    /// <summary>
    /// An ISO 8601 time. Without an offset it is the device's local time (what GB28181 carries); with one it is
    /// converted to this machine's local time.
    /// </summary>
    public DateTime? OptionalTime(string name)
    {
        if (OptionalString(name) is not { } text)
        {
            return null;
        }

        if (DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var zoned))
        {
            return DateTime.SpecifyKind(zoned.LocalDateTime, DateTimeKind.Unspecified);
        }

        throw MqttControlException.InvalidParams($"params.{name} must be an ISO 8601 time such as 2024-05-01T08:00:00 (got \"{text}\")");
    }

    public DateTime RequiredTime(string name) =>
        OptionalTime(name) ?? throw MqttControlException.InvalidParams($"params.{name} is required (an ISO 8601 time such as 2024-05-01T08:00:00)");

    /// <summary>One of <paramref name="allowed"/> (case-insensitive), returned as spelt in <paramref name="allowed"/>.</summary>
    public string? OptionalChoice(string name, IReadOnlyList<string> allowed)
    {
        if (OptionalString(name) is not { } text)
        {
            return null;
        }

        foreach (var choice in allowed)
        {
            if (string.Equals(choice, text, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        throw MqttControlException.InvalidParams($"params.{name} must be one of {string.Join(", ", allowed)} (got \"{text}\")");
    }

    public string RequiredChoice(string name, IReadOnlyList<string> allowed) =>
        OptionalChoice(name, allowed) ?? throw MqttControlException.InvalidParams($"params.{name} is required (one of {string.Join(", ", allowed)})");

    private bool TryGet(string name, out JsonElement value)
    {
        if (_params.ValueKind == JsonValueKind.Object && _params.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => value.ValueKind.ToString(),
    };
}
