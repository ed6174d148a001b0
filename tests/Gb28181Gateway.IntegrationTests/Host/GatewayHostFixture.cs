using Microsoft.AspNetCore.Builder;

using Gb28181Gateway.Testing;

namespace Gb28181Gateway.IntegrationTests.Host;

/// <summary>Starts the real gateway host in-process on loopback ports, with the sample configuration plus overrides.</summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private GatewayHost(WebApplication app, int sipPort, int httpPort)
    {
        App = app;
        SipPort = sipPort;
        HttpPort = httpPort;
    }

    public WebApplication App { get; }

    public int SipPort { get; }

    public int HttpPort { get; }

    public Uri HttpBase => new($"http://127.0.0.1:{HttpPort}");

    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?>? overrides = null, int? sipPort = null)
    {
        var sip = sipPort ?? LoopbackPorts.Next();
        var http = LoopbackPorts.Next();
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Sip:ListenAddress"] = "127.0.0.1",
            ["Gateway:Sip:Port"] = sip.ToString(),
            ["Gateway:Media:ListenAddress"] = "127.0.0.1",
            ["Gateway:Http:Urls"] = $"http://127.0.0.1:{http}",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var startup = GatewayHostBuilder.Build([$"--config={RepositoryPaths.Path("config", "appsettings.json")}"], settings);
        Assert.Empty(startup.Problems);
        var app = startup.App!;
        await app.StartAsync();
        return new GatewayHost(app, sip, http);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
