namespace Gb28181Gateway;

/// <summary>The HTTP surface: health, the read API and metrics.</summary>
internal static class HttpEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
    }
}
