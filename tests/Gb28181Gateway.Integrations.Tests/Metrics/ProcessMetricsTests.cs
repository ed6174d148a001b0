using System.Diagnostics;
using System.Globalization;

namespace Gb28181Gateway.Integrations.Tests.Metrics;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetricsRunsAlone
{
    /// <summary>Counts this process's file descriptors: runs alone so other tests do not open sockets meanwhile.</summary>
    public const string Name = "metrics-process";
}

/// <summary>The process_* metrics against independent sources: the shell's ulimit, the runtime's own counters, files opened by the test.</summary>
[Collection(ProcessMetricsRunsAlone.Name)]
public sealed class ProcessMetricsTests
{
    [Fact]
    public void Open_fds_follow_files_opened_and_closed_by_the_process()
    {
        using var scope = new MetricsScope(processMetrics: true);
        var path = Path.GetTempFileName();
        try
        {
            var before = OpenFds(scope.Scrape());
            var handles = Enumerable.Range(0, 16).Select(_ => File.OpenHandle(path)).ToArray();
            var during = OpenFds(scope.Scrape());
            foreach (var handle in handles)
            {
                handle.Dispose();
            }

            var after = OpenFds(scope.Scrape());

            Assert.InRange(during - before, 16, 18);
            Assert.InRange(during - after, 16, 18);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Max_fds_is_the_soft_limit_a_child_shell_inherits()
    {
        using var scope = new MetricsScope(processMetrics: true);
        var psi = new ProcessStartInfo("sh", ["-c", "ulimit -n"]) { RedirectStandardOutput = true };
        using var shell = Process.Start(psi)!;
        var limit = (await shell.StandardOutput.ReadToEndAsync()).Trim();
        await shell.WaitForExitAsync();

        var expected = limit == "unlimited" ? double.PositiveInfinity : double.Parse(limit, CultureInfo.InvariantCulture);
        Assert.Equal(expected, MetricsScope.Sample(scope.Scrape(), "process_max_fds"));
    }

    [Fact]
    public void Cpu_memory_and_start_time_agree_with_the_runtime()
    {
        using var scope = new MetricsScope(processMetrics: true);
        var cpuBefore = Environment.CpuUsage.TotalTime.TotalSeconds;
        var text = scope.Scrape();
        var cpuAfter = Environment.CpuUsage.TotalTime.TotalSeconds;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000d;

        Assert.InRange(MetricsScope.Sample(text, "process_cpu_seconds_total")!.Value, cpuBefore, cpuAfter);
        var resident = MetricsScope.Sample(text, "process_resident_memory_bytes")!.Value;
        Assert.InRange(resident / Environment.WorkingSet, 0.5, 2);
        Assert.True(MetricsScope.Sample(text, "process_virtual_memory_bytes") > resident);
        var bootedAt = now - (Environment.TickCount64 / 1000d);
        Assert.InRange(MetricsScope.Sample(text, "process_start_time_seconds")!.Value, bootedAt - 1, now);
        Assert.Contains("# TYPE process_cpu_seconds_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE process_open_fds gauge\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Instrument_with_a_process_metric_name_is_not_exported_over_it()
    {
        using var scope = new MetricsScope(processMetrics: true);
        scope.Meter.CreateCounter<double>("process_cpu_seconds", description: "an impostor").Add(1e9);

        var text = scope.Scrape();

        Assert.Single(text.Split('\n'), l => l.StartsWith("process_cpu_seconds_total ", StringComparison.Ordinal));
        Assert.True(MetricsScope.Sample(text, "process_cpu_seconds_total") < 1e9);
    }

    private static double OpenFds(string exposition) => MetricsScope.Sample(exposition, "process_open_fds")!.Value;
}
