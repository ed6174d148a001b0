namespace Gb28181Gateway.Simulator;

internal static class Program
{
    private static int Main()
    {
        Console.Error.WriteLine("gbsim: not implemented yet");
        return 1;
    }
}
