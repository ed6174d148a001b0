using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.Cascade.Views;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.Api;

/// <summary>
/// The read/operate HTTP API under <c>/api</c>: devices, channels, platforms, sessions, and stopping a session.
/// JSON (camelCase, nulls omitted); unknown ids answer 404 with <see cref="ApiError"/>; a part of the gateway
/// that is not running answers 503. With <c>Gateway:Http:Token</c> set every route needs
/// <c>Authorization: Bearer &lt;token&gt;</c> (401 otherwise).
/// </summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var token = endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.Http.Token;
        var api = endpoints.MapGroup("/api");
        if (!string.IsNullOrEmpty(token))
        {
            api.AddEndpointFilter(new BearerTokenFilter(token));
        }

        api.MapGet("/devices", (HttpContext http) => Service<IDeviceDirectory>(http) is { } devices
            ? Json<IReadOnlyList<DeviceSummary>>([.. devices.GetDevices().Select(DeviceSummary.From)], ApiJsonContext.Default.IReadOnlyListDeviceSummary)
            : Unavailable("the device registry"));

        api.MapGet("/devices/{id}", (HttpContext http, string id) =>
        {
            if (Service<IDeviceDirectory>(http) is not { } devices)
            {
                return Unavailable("the device registry");
            }

            return devices.FindDevice(id) is { } device
                ? Json(DeviceSummary.From(device), ApiJsonContext.Default.DeviceSummary)
                : NotFound($"no device {id} is known to this gateway");
        });

        api.MapGet("/devices/{id}/channels", (HttpContext http, string id) =>
        {
            if (Service<IDeviceDirectory>(http) is not { } devices)
            {
                return Unavailable("the device registry");
            }

            return devices.FindDevice(id) is null
                ? NotFound($"no device {id} is known to this gateway")
                : Json<IReadOnlyList<ChannelSummary>>([.. devices.GetChannels(id).Select(ChannelSummary.From)], ApiJsonContext.Default.IReadOnlyListChannelSummary);
        });

        api.MapGet("/platforms", (HttpContext http) => Service<IPlatformDirectory>(http) is { } platforms
            ? Json<IReadOnlyList<PlatformSummary>>([.. platforms.GetPlatforms().Select(PlatformSummary.From)], ApiJsonContext.Default.IReadOnlyListPlatformSummary)
            : Unavailable("the platform registry"));

        api.MapGet("/sessions", (HttpContext http) => Service<ISessionDirectory>(http) is { } sessions
            ? Json<IReadOnlyList<SessionSummary>>([.. sessions.GetSessions().Select(SessionSummary.From)], ApiJsonContext.Default.IReadOnlyListSessionSummary)
            : Unavailable("the session directory"));

        api.MapPost("/sessions/{id}/stop", async (HttpContext http, string id) =>
        {
            if (Service<ISessionDirectory>(http) is not { } sessions)
            {
                return Unavailable("the session directory");
            }

            return await sessions.StopAsync(id, "stopped by HTTP API", http.RequestAborted)
                ? Json(new ApiStopped(id, true), ApiJsonContext.Default.ApiStopped)
                : NotFound($"no media session {id}");
        });

        return endpoints;
    }

    // The areas are resolved per request, so the API maps even in an instance that runs without some of them.
    private static T? Service<T>(HttpContext http)
        where T : class => http.RequestServices.GetService<T>();

    private static IResult Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        Results.Json(value, typeInfo);

    internal static IResult Error(int status, string code, string message) =>
        Results.Json(new ApiError(code, message), ApiJsonContext.Default.ApiError, statusCode: status);

    private static IResult NotFound(string message) => Error(StatusCodes.Status404NotFound, "not_found", message);

    private static IResult Unavailable(string what) =>
        Error(StatusCodes.Status503ServiceUnavailable, "unavailable", $"{what} is not running in this gateway instance");
}
