using System.Buffers;
using System.Text;
using Gb28181Gateway.Integrations.Metrics;
using Gb28181Gateway.Integrations.Redis;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Redis;

/// <summary>The Redis instruments reach /metrics under the names docs/METRICS.md gives them.</summary>
public sealed class RedisMetricsExpositionTests
{
    [Fact]
    public async Task Errors_and_the_connected_gauge_are_exported_in_prometheus_text()
    {
        using var collector = new PrometheusMetricsCollector();
        var server = new RedisServerFixture(); // nothing listening: every load fails
        await using var _ = server;
        await using var store = new RedisStateStore(RedisTest.Settings(server, RedisTest.NewPrefix()), TimeProvider.System, new RedisLogRecorder());
        await store.LoadDevicesAsync();
        await store.LoadSessionsAsync();

        var buffer = new ArrayBufferWriter<byte>();
        collector.Write(buffer);
        var lines = Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n');
        Assert.Contains("# TYPE gb28181_redis_errors_total counter", lines);
        Assert.Contains("# TYPE gb28181_redis_connected gauge", lines);
        Assert.Contains(lines, l => l.StartsWith("gb28181_redis_errors_total{operation=\"load_devices\"} ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("gb28181_redis_errors_total{operation=\"load_sessions\"} ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("gb28181_redis_connected ", StringComparison.Ordinal));
    }
}
