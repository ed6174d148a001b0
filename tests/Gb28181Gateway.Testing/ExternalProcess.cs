using System.Diagnostics;
using System.Text;

namespace Gb28181Gateway.Testing;

/// <summary>
/// A real program started by a test (sipp, redis-server, mosquitto, mosquitto_sub, promtool), with its
/// output captured so a failing test can show it, and killed (whole process tree) on dispose.
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExternalProcess(Process process)
    {
        _process = process;
    }

    public string FileName => _process.StartInfo.FileName;

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _exited.Task.IsCompleted;

    public Task<int> Exited => _exited.Task;

    /// <summary>Starts <paramref name="fileName"/>; fails with a clear message when the tool is not installed (run ./test.sh).</summary>
    public static ExternalProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var result = new ExternalProcess(process);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Exited += (_, _) =>
        {
            // Let the async readers drain before publishing the exit.
            process.WaitForExit();
            result._exited.TrySetResult(process.ExitCode);
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot start '{fileName}': {ex.Message}. ./test.sh installs the tools the tests need.", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; throws with the output so far on timeout or exit.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            if (HasExited)
            {
                throw new InvalidOperationException($"{FileName} exited with {Exited.Result} before printing '{text}':\n{Output}");
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"{FileName} did not print '{text}' within {timeout}:\n{Output}");
    }

    /// <summary>Waits for the process to exit and returns its exit code; kills it and throws on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout));
        if (finished != _exited.Task)
        {
            Kill();
            throw new TimeoutException($"{FileName} did not exit within {timeout}:\n{Output}");
        }

        return await _exited.Task;
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.WhenAny(_exited.Task, Task.Delay(5000));
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}
