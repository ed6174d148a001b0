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
        try
        {
            await app.RunAsync();
        }
        catch (InvalidOperationException ex) when (ex.InnerException is not null)
        {
            // start-up failed after configuration was valid (e.g. a port in use); the reason is logged too
            await Console.Error.WriteLineAsync($"start-up failed: {ex.Message}");
            return 1;
        }

        return 0;
    }
}
