namespace Gb28181Gateway;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var startup = GatewayHostBuilder.Build(args);
        if (startup.Problems.Count > 0)
        {
            foreach (var problem in startup.Problems)
            {
                await Console.Error.WriteLineAsync($"configuration error: {problem}");
            }

            return 2;
        }

        await using var app = startup.App!;
        await app.RunAsync();
        return 0;
    }
}
