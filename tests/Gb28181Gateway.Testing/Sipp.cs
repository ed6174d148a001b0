using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Gb28181Gateway.Testing;

/// <summary>
/// Runs the real sipp with a scenario file from tests/sipp/ on loopback: <c>-m</c> calls, an overall
/// <c>-timeout</c>, errors traced to a file (<c>-trace_err</c>) and shown, with sipp's output, when it fails.
/// </summary>
public sealed class Sipp : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly string _errorFile;
    private readonly string _messageFile;

    private Sipp(ExternalProcess process, int localPort, string errorFile, string messageFile)
    {
        _process = process;
        LocalPort = localPort;
        _errorFile = errorFile;
        _messageFile = messageFile;
    }

    /// <summary>The port sipp listens and sends on (127.0.0.1).</summary>
    public int LocalPort { get; }

    /// <summary>
    /// Starts sipp with <paramref name="scenario"/> (a path under tests/sipp/). <paramref name="remotePort"/> is the
    /// stack's port for a UAC scenario, null for a UAS scenario. <paramref name="tcp"/> selects <c>-t t1</c>, else <c>-t u1</c>.
    /// </summary>
    public static Sipp Start(string scenario, int? remotePort, bool tcp, int calls = 1, TimeSpan? timeout = null,
        IEnumerable<string>? extraArguments = null)
    {
        var path = RepositoryPaths.Path("tests", "sipp", scenario);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("sipp scenario not found", path);
        }

        var localPort = LoopbackPorts.Next();
        var dir = Path.Combine(Path.GetTempPath(), "sipp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var errorFile = Path.Combine(dir, "errors.log");
        var messageFile = Path.Combine(dir, "messages.log");
        var seconds = (int)Math.Ceiling((timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds);
        var args = new List<string>();
        if (remotePort is { } port)
        {
            args.Add("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        }

        args.AddRange([
            "-sf", path,
            "-i", "127.0.0.1",
            "-p", localPort.ToString(CultureInfo.InvariantCulture),
            "-t", tcp ? "t1" : "u1",
            "-m", calls.ToString(CultureInfo.InvariantCulture),
            "-timeout", seconds.ToString(CultureInfo.InvariantCulture) + "s",
            "-timeout_error",
            "-nostdin",
            "-trace_err", "-error_file", errorFile,
            "-trace_msg", "-message_file", messageFile,
        ]);
        if (extraArguments is not null)
        {
            args.AddRange(extraArguments);
        }

        return new Sipp(ExternalProcess.Start("sipp", args, dir), localPort, errorFile, messageFile);
    }

    /// <summary>Waits until sipp has bound its port (UDP, and TCP with <paramref name="tcp"/>): a UAS scenario is then ready.</summary>
    public async Task WaitUntilListeningAsync(bool tcp, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!IsBound(LocalPort, tcp))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sipp exited with {_process.Exited.Result} before listening:\n{Describe()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"sipp did not bind port {LocalPort} within {timeout}:\n{Describe()}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits for sipp to finish and throws, with its output, error log and message trace, unless it exited with 0.</summary>
    public async Task AssertSucceededAsync(TimeSpan timeout)
    {
        int code;
        try
        {
            code = await _process.WaitForExitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"sipp did not exit within {timeout}:\n{Describe()}");
        }

        if (code != 0)
        {
            throw new InvalidOperationException($"sipp exited with {code}:\n{Describe()}");
        }
    }

    /// <summary>sipp's message trace so far (every message sent and received).</summary>
    public string Messages => ReadAll(_messageFile);

    /// <summary>Kills sipp if it still runs and removes its log directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_errorFile)!, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string Describe() =>
        $"--- output ---\n{_process.Output}\n--- errors ---\n{ReadAll(_errorFile)}\n--- messages ---\n{ReadAll(_messageFile)}";

    private static string ReadAll(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return "(none)";
        }
    }

    private static bool IsBound(int port, bool tcp)
    {
        try
        {
            using var socket = tcp
                ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
                : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
    }
}
