using Gb28181Gateway.Integrations.Metrics;

namespace Gb28181Gateway;

/// <summary>The HTTP surface: health and metrics (the read API is mapped by <c>Api/</c>).</summary>
internal static class HttpEndpoints
{
    public static void Map(WebApplication app)
    {
        // Created now, not at the first scrape: a MeterListener only sees measurements made after it starts.
        _ = app.Services.GetRequiredService<PrometheusMetricsCollector>();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/metrics", async (HttpContext context, PrometheusMetricsCollector metrics) =>
        {
            context.Response.ContentType = PrometheusMetricsCollector.ContentType;
            await metrics.WriteAsync(context.Response.Body, context.RequestAborted);
        });
    }
}
