using System.CommandLine;
using System.Text;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Simulator.Cli;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Simulator;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = Encoding.UTF8;
        _ = GbEncodings.Gb18030; // registers the code pages provider before any body is written
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "stderr log level (Trace, Debug, Information, Warning, Error, None)",
            DefaultValueFactory = _ => LogLevel.Warning,
            Recursive = true,
        };
        var root = new RootCommand("gbsim: GB/T 28181 device and platform simulator for demos, tests and load runs")
        {
            logLevel,
            DevicesCommand.Create(logLevel),
            PlatformCommand.Create(logLevel),
        };
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("gbsim: " + ex.Message);
            return 64;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            await Console.Error.WriteLineAsync($"gbsim: cannot bind or reach a socket: {ex.Message} ({ex.SocketErrorCode})");
            return 69;
        }
    }
}
