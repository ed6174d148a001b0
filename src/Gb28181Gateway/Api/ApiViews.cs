using System.Text.Json.Serialization;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Api;

// The JSON documents of the HTTP API (same field names as the MQTT control results).

internal sealed record ApiDevice(
    string DeviceId,
    bool Online,
    string? Name,
    string? Manufacturer,
    string? Model,
    string? Firmware,
    string Endpoint,
    string? UserAgent,
    string? CharacterSet,
    DateTimeOffset RegisteredAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastKeepaliveAt,
    int ChannelCount,
    DateTimeOffset? CatalogUpdatedAt)
{
    public static ApiDevice From(DeviceRecord d) => new(
        d.DeviceId, d.Online, d.Name, d.Manufacturer, d.Model, d.Firmware, d.SignallingEndPoint, d.UserAgent, d.CharacterSet,
        d.RegisteredAt, d.ExpiresAt, d.LastKeepaliveAt, d.ChannelCount, d.CatalogUpdatedAt);
}

internal sealed record ApiChannel(
    string ChannelId,
    string? Name,
    string? Manufacturer,
    string? Model,
    string? Status,
    bool? Online,
    string? ParentId,
    string? CivilCode,
    string? Address,
    string? Longitude,
    string? Latitude)
{
    public static ApiChannel From(CatalogItem c) => new(
        c.DeviceId, c.Name, c.Manufacturer, c.Model, c.Status, c.IsOnline, c.ParentId, c.CivilCode, c.Address, c.Longitude, c.Latitude);
}

/// <summary>A superior platform: its configuration (no credentials) and registration state.</summary>
internal sealed record ApiPlatform(
    string Name,
    bool Enabled,
    string ServerId,
    string ServerDomain,
    string Host,
    int Port,
    string Transport,
    string DeviceId,
    string State,
    DateTimeOffset? RegisteredAt,
    DateTimeOffset? LastKeepaliveAt,
    string? LastError,
    int SharedChannelCount)
{
    public static ApiPlatform From(PlatformView p) => new(
        p.Options.Name, p.Options.Enabled, p.Options.ServerId, p.Options.ServerDomain, p.Options.Host, p.Options.Port, p.Options.Transport,
        p.Options.DeviceId, p.State.State, p.State.RegisteredAt, p.State.LastKeepaliveAt, p.State.LastError, p.State.SharedChannelCount);
}

internal sealed record ApiSession(
    string SessionId,
    string Kind,
    string Platform,
    string DeviceId,
    string ChannelId,
    string UpperChannelId,
    string? Instance,
    DateTimeOffset StartedAt,
    string? DeviceSsrc,
    string? PlatformSsrc,
    string? DeviceMedia,
    string? PlatformMedia)
{
    public static ApiSession From(SessionRecord s) => new(
        s.SessionId, s.Kind, s.Platform, s.Channel.DeviceId, s.Channel.ChannelId, s.UpperChannelId, s.Instance, s.StartedAt,
        s.DeviceSsrc, s.PlatformSsrc, s.DeviceMedia, s.PlatformMedia);
}

internal sealed record ApiStopped(string SessionId, bool Stopped);

/// <summary>Every non-2xx answer: a stable code (not_found, unauthorized, unavailable) and a sentence for people.</summary>
internal sealed record ApiError(string Error, string Message);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiDevice))]
[JsonSerializable(typeof(IReadOnlyList<ApiDevice>))]
[JsonSerializable(typeof(IReadOnlyList<ApiChannel>))]
[JsonSerializable(typeof(IReadOnlyList<ApiPlatform>))]
[JsonSerializable(typeof(IReadOnlyList<ApiSession>))]
[JsonSerializable(typeof(ApiStopped))]
[JsonSerializable(typeof(ApiError))]
internal sealed partial class ApiJsonContext : JsonSerializerContext
{
}
