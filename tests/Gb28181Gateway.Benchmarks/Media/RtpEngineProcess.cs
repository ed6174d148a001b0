using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Gb28181Gateway.Benchmarks.Media;

/// <summary>
/// The rtpengine daemon as a child process, configured as a plain userspace RTP relay: no config file
/// (/etc/rtpengine/rtpengine.conf would add kernel table 0, HTTP/CLI listeners, TOS, recording), no kernel
/// forwarding (<c>--table=-1</c>), <c>--num-threads</c> workers and no media-playback threads, endpoint learning
/// from the first packet (<c>immediate</c>, like the other relays' source latch), deletions without delay,
/// errors-only logging to stderr (kept: the last lines go into error messages).
/// </summary>
internal sealed class RtpEngineProcess : IDisposable
{
    private const int StderrLines = 20;
    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly IPEndPoint _ng;
    private int _receiveQueueErrors;

    private RtpEngineProcess(Process process, IPEndPoint ng)
    {
        _process = process;
        _ng = ng;
    }

    public int Id => _process.Id;

    /// <summary>
    /// Lines rtpengine logged about a socket's receive queue: more than 50 datagrams waiting when it got to read
    /// the socket ("Too many packets in UDP receive queue") and, after 5 such strikes, "UDP receive queue exceeded":
    /// from then on it never reads that socket again (its epoll is edge-triggered). Rate-limited by rtpengine, so
    /// a lower bound.
    /// </summary>
    public int ReceiveQueueErrors => Volatile.Read(ref _receiveQueueErrors);

    public static RtpEngineProcess Start(IPAddress listen, IPEndPoint ng, int portMin, int portMax, int threads)
    {
        var psi = new ProcessStartInfo(FindExecutable())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,   // never onto the driver's stdout, which the harness parses
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[
            "--config-file=none", "--foreground", "--table=-1", $"--interface={listen}", $"--listen-ng={ng}",
            Invariant($"--port-min={portMin}"), Invariant($"--port-max={portMax}"), Invariant($"--num-threads={threads}"),
            "--media-num-threads=0", "--endpoint-learning=immediate", "--delete-delay=0", "--timeout=600",
            "--log-stderr", "--log-level=3"])
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {psi.FileName}");
        var engine = new RtpEngineProcess(process, ng);
        process.ErrorDataReceived += (_, e) => engine.OnStderr(e.Data);
        process.OutputDataReceived += (_, e) => engine.OnStderr(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return engine;
    }

    /// <summary>Pings the ng port until rtpengine answers (10 s), failing early if it exits.</summary>
    public async Task WaitForControlAsync()
    {
        using var probe = new RtpEngineNgClient(_ng, TimeProvider.System) { AttemptTimeout = TimeSpan.FromMilliseconds(200), Attempts = 1 };
        var deadline = TimeProvider.System.GetTimestamp() + (10 * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"rtpengine exited before it answered on its ng port {_ng}");
            }

            try
            {
                await probe.CommandAsync(new BencodeWriter().StartDictionary().Entry("command", "ping").End());
                return;
            }
            catch (TimeoutException) when (TimeProvider.System.GetTimestamp() < deadline)
            {
                // still starting
            }
        }
    }

    /// <summary>Peak resident set (kB) and thread count, from /proc/&lt;pid&gt;/status.</summary>
    public (long PeakRssKilobytes, int Threads) MemoryAndThreads()
    {
        long peak = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return (peak, threads);
    }

    /// <summary>SIGTERM (rtpengine's orderly shutdown), SIGKILL after 5 s.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            await kill!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), TimeProvider.System);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
    }

    /// <summary>rtpengine's last stderr lines, for an error message ("" when it wrote none).</summary>
    public string StderrTail()
    {
        lock (_stderr)
        {
            var exited = _process.HasExited ? Invariant($" (rtpengine exited with code {_process.ExitCode})") : "";
            return _stderr.Count == 0 ? exited : $"{exited}; rtpengine's last output:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", _stderr)}";
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.Contains("UDP receive queue", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _receiveQueueErrors);
        }

        lock (_stderr)
        {
            _stderr.Enqueue(line);
            if (_stderr.Count > StderrLines)
            {
                _stderr.Dequeue();
            }
        }
    }

    /// <summary>rtpengine on PATH, or a message naming the package that provides it.</summary>
    private static string FindExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "rtpengine");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"rtpengine is not installed (not found on PATH): install the Debian package with `apt-get install {RtpEngineRelay.AptPackage}`");
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
