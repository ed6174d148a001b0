using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Protocol.Manscdp;

namespace Gb28181Gateway.Cascade.Views;

// The read models the gateway shows to the outside: one shape for the HTTP API (GET /api/...) and the MQTT
// control protocol (devices.list, ...), so both say the same thing with the same field names.

/// <summary>A registered device: identity, where it signals from, registration and catalog state.</summary>
public sealed record DeviceSummary(
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
    public static DeviceSummary From(DeviceRecord d) => new(
        d.DeviceId, d.Online, d.Name, d.Manufacturer, d.Model, d.Firmware, d.SignallingEndPoint, d.UserAgent, d.CharacterSet,
        d.RegisteredAt, d.ExpiresAt, d.LastKeepaliveAt, d.ChannelCount, d.CatalogUpdatedAt);
}

/// <summary>One catalog item of a device, as the device reported it.</summary>
public sealed record ChannelSummary(
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
    public static ChannelSummary From(CatalogItem c) => new(
        c.DeviceId, c.Name, c.Manufacturer, c.Model, c.Status, c.IsOnline, c.ParentId, c.CivilCode, c.Address, c.Longitude, c.Latitude);
}

/// <summary>A superior platform: its configuration (no credentials) and registration state.</summary>
public sealed record PlatformSummary(
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
    public static PlatformSummary From(PlatformView p) => new(
        p.Options.Name, p.Options.Enabled, p.Options.ServerId, p.Options.ServerDomain, p.Options.Host, p.Options.Port, p.Options.Transport,
        p.Options.DeviceId, p.State.State, p.State.RegisteredAt, p.State.LastKeepaliveAt, p.State.LastError, p.State.SharedChannelCount);
}

/// <summary>A media session: which platform watches which channel of which device, and the media on each side.</summary>
public sealed record SessionSummary(
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
    public static SessionSummary From(SessionRecord s) => new(
        s.SessionId, s.Kind, s.Platform, s.Channel.DeviceId, s.Channel.ChannelId, s.UpperChannelId, s.Instance, s.StartedAt,
        s.DeviceSsrc, s.PlatformSsrc, s.DeviceMedia, s.PlatformMedia);
}
