using System.Buffers.Text;
using System.Diagnostics;
using System.IO.Enumeration;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.Metrics;

/// <summary>
/// The standard <c>process_*</c> metrics of the Prometheus client libraries, sampled once per scrape: CPU time
/// from <see cref="Environment.CpuUsage"/>, memory from <c>/proc/self/stat</c>, descriptors from
/// <c>/proc/self/fd</c> and <c>/proc/self/limits</c>, read into one reused buffer without per-line strings.
/// A source that cannot be read (not Linux, no procfs) leaves its metrics out of the scrape.
/// Used under the collector's scrape lock only.
/// </summary>
internal sealed class ProcessMetrics
{
    // Fields of /proc/self/stat counted from the state field, the first one after "(comm)" (proc(5): state is
    // field 3, vsize 23, rss 24).
    private const int VsizeIndex = 20;
    private const int RssIndex = 21;

    private static readonly EnumerationOptions FdEnumeration = new() { AttributesToSkip = 0, IgnoreInaccessible = true };

    private readonly byte[] _buffer = new byte[4096];
    private readonly ILogger _logger;
    private readonly double _startTimeSeconds;
    private int _loggedSources;
    private double _cpuSeconds;
    private double _residentBytes;
    private double _virtualBytes;
    private double _openFds;
    private double _maxFds;

    public ProcessMetrics(ILogger logger)
    {
        _logger = logger;
        _startTimeSeconds = StartTimeSeconds();
        Families =
        [
            new ProcessFamily("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter", () => _cpuSeconds),
            new ProcessFamily("process_max_fds", "Maximum number of open file descriptors.", "gauge", () => _maxFds),
            new ProcessFamily("process_open_fds", "Number of open file descriptors.", "gauge", () => _openFds),
            new ProcessFamily("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge", () => _residentBytes),
            new ProcessFamily("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge", () => _startTimeSeconds),
            new ProcessFamily("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", () => _virtualBytes),
        ];
    }

    public ExpositionFamily[] Families { get; }

    public void Sample()
    {
        _cpuSeconds = Environment.CpuUsage.TotalTime.TotalSeconds;
        (_virtualBytes, _residentBytes) = ReadStat();
        _openFds = CountOpenFds();
        _maxFds = ReadMaxFds();
    }

    private (double Virtual, double Resident) ReadStat()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (double.NaN, Environment.WorkingSet);
        }

        try
        {
            var stat = _buffer.AsSpan(0, ReadProcFile("/proc/self/stat"));
            // comm may contain spaces and parentheses: the fields start after the last ')'.
            var fields = stat[(stat.LastIndexOf((byte)')') + 1)..];
            var vsize = Field(fields, VsizeIndex);
            var rss = Field(fields, RssIndex);
            return (vsize, rss * Environment.SystemPageSize);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            SourceUnavailable(0, "/proc/self/stat", ex);
            return (double.NaN, Environment.WorkingSet);
        }
    }

    private double CountOpenFds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        try
        {
            // A transform that makes no string: counting allocates nothing per descriptor.
            var count = 0;
            foreach (var _ in new FileSystemEnumerable<byte>("/proc/self/fd", static (ref _) => 0, FdEnumeration))
            {
                count++;
            }

            return count;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SourceUnavailable(1, "/proc/self/fd", ex);
            return double.NaN;
        }
    }

    private double ReadMaxFds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        try
        {
            var limits = _buffer.AsSpan(0, ReadProcFile("/proc/self/limits"));
            var line = limits.IndexOf("Max open files"u8);
            if (line < 0)
            {
                throw new FormatException("/proc/self/limits has no 'Max open files' line");
            }

            // "Max open files            1048576              1048576              files": the soft limit is first.
            var rest = limits[(line + "Max open files"u8.Length)..].TrimStart((byte)' ');
            if (rest.StartsWith("unlimited"u8))
            {
                return double.PositiveInfinity;
            }

            return Utf8Parser.TryParse(rest, out long soft, out _)
                ? soft
                : throw new FormatException("/proc/self/limits: 'Max open files' has no number");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            SourceUnavailable(2, "/proc/self/limits", ex);
            return double.NaN;
        }
    }

    /// <summary>The <paramref name="index"/>-th space-separated decimal field.</summary>
    private static long Field(ReadOnlySpan<byte> fields, int index)
    {
        var rest = fields.TrimStart((byte)' ');
        for (var i = 0; i < index; i++)
        {
            var space = rest.IndexOf((byte)' ');
            if (space < 0)
            {
                throw new FormatException($"/proc/self/stat has fewer than {index + 3} fields");
            }

            rest = rest[(space + 1)..];
        }

        return Utf8Parser.TryParse(rest, out long value, out _)
            ? value
            : throw new FormatException($"/proc/self/stat field {index + 3} is not a number");
    }

    private int ReadProcFile(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var total = 0;
        while (total < _buffer.Length)
        {
            var read = RandomAccess.Read(handle, _buffer.AsSpan(total), total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static double StartTimeSeconds()
    {
        try
        {
            using var process = Process.GetCurrentProcess();
            return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000d;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return double.NaN;
        }
    }

    private void SourceUnavailable(int source, string name, Exception exception)
    {
        var flag = 1 << source;
        if ((_loggedSources & flag) == 0)
        {
            _loggedSources |= flag;
            MetricsLog.ProcessSourceUnavailable(_logger, name, exception);
        }
    }

    /// <summary>One process metric: a single unlabelled sample, left out while its value is unknown (NaN).</summary>
    private sealed class ProcessFamily(string name, string help, string type, Func<double> value) : ExpositionFamily
    {
        private readonly byte[] _header = PrometheusTextWriter.EncodeHeader(name, help, type);
        private readonly byte[] _name = System.Text.Encoding.UTF8.GetBytes(name);

        public override string Name => name;

        public override void Write(PrometheusTextWriter writer)
        {
            var sample = value();
            if (double.IsNaN(sample))
            {
                return;
            }

            writer.WriteRaw(_header);
            writer.WriteSample(_name, default, default, sample);
        }
    }
}
