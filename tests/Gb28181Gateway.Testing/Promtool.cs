using System.ComponentModel;
using System.Diagnostics;

namespace Gb28181Gateway.Testing;

/// <summary>Runs the real <c>promtool check metrics</c> with an exposition on its stdin.</summary>
public static class Promtool
{
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(byte[] exposition)
    {
        var psi = new ProcessStartInfo("promtool")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("check");
        psi.ArgumentList.Add("metrics");
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("promtool did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot start promtool ({ex.Message}): run ./test.sh, it installs the tools the tests need", ex);
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.BaseStream.WriteAsync(exposition, timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
