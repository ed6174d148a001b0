namespace Gb28181Gateway;

internal static class Program
{
    private static int Main()
    {
        Console.Error.WriteLine("gateway: not implemented yet");
        return 1;
    }
}
