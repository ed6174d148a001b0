using System.Text.Json.Serialization;
using Gb28181Gateway.Cascade.Views;

namespace Gb28181Gateway.Api;

// The JSON documents of the HTTP API; devices, channels, platforms and sessions are Cascade.Views (shared with MQTT).

internal sealed record ApiStopped(string SessionId, bool Stopped);

/// <summary>Every non-2xx answer: a stable code (not_found, unauthorized, unavailable) and a sentence for people.</summary>
internal sealed record ApiError(string Error, string Message);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceSummary))]
[JsonSerializable(typeof(IReadOnlyList<DeviceSummary>))]
[JsonSerializable(typeof(IReadOnlyList<ChannelSummary>))]
[JsonSerializable(typeof(IReadOnlyList<PlatformSummary>))]
[JsonSerializable(typeof(IReadOnlyList<SessionSummary>))]
[JsonSerializable(typeof(ApiStopped))]
[JsonSerializable(typeof(ApiError))]
internal sealed partial class ApiJsonContext : JsonSerializerContext
{
}
