using BenchmarkDotNet.Running;

namespace Gb28181Gateway.Benchmarks;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "relay-load":
                return await Media.RelayLoad.RunAsync(args[1..]);
            case "relay-serve":
                return await Media.RelayServe.RunAsync(args[1..]);
            case "reg-alloc":
                return await Lower.RegistrationAlloc.RunAsync(args[1..]);
            case "relay-rtpengine":
                return await Media.RtpEngineRelay.RunAsync(args[1..]);
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
