using System.Text.RegularExpressions;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Api;
using Gb28181Gateway.Hosting;

namespace Gb28181Gateway;

/// <summary>The outcome of building the host: the app, or the configuration problems that stop start-up.</summary>
internal sealed record GatewayStartup(WebApplication? App, IReadOnlyList<ConfigurationProblem> Problems);

/// <summary>
/// Builds the gateway host: configuration from <c>config/appsettings.json</c> (or <c>--config path</c>),
/// environment variables (<c>Gateway__Sip__Port=15060</c>) and the command line
/// (<c>--Gateway:Sip:Port=15060</c>), validated before anything binds a socket. Integration tests
/// call this in-process with their own overrides.
/// </summary>
internal static class GatewayHostBuilder
{
    public static GatewayStartup Build(string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        var configPath = FindConfigPath(args);
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile(configPath, optional: false, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(args.Where(a => !a.StartsWith("--config=", StringComparison.Ordinal)).ToArray());
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        GatewayOptions options;
        try
        {
            options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>(b => b.ErrorOnUnknownConfiguration = true)
                ?? new GatewayOptions();
        }
        catch (InvalidOperationException ex)
        {
            return new GatewayStartup(null, [BindingProblem(ex)]);
        }

        var problems = GatewayOptionsValidator.Validate(options);
        if (problems.Count > 0)
        {
            return new GatewayStartup(null, problems);
        }

        builder.Services.AddGateway(options);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
        });
        builder.WebHost.UseKestrelCore().UseUrls(options.Http.Urls);
        builder.Services.AddRoutingCore();

        var app = builder.Build();
        app.UseRouting();
        HttpEndpoints.Map(app);
        app.MapGatewayApi();
        return new GatewayStartup(app, []);
    }

    private static string FindConfigPath(string[] args)
    {
        foreach (var arg in args)
        {
            if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                return Path.GetFullPath(arg["--config=".Length..]);
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "config", "appsettings.json");
    }

    /// <summary>Turns the binder's exception into one line naming the key.</summary>
    private static ConfigurationProblem BindingProblem(InvalidOperationException ex)
    {
        var message = ex.Message;

        // "Failed to convert configuration value 'abc' at 'Gateway:Sip:Port' to type 'System.Int32'."
        var convert = Regex.Match(message, "value '(?<value>[^']*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'");
        if (convert.Success)
        {
            var type = convert.Groups["type"].Value;
            var friendly = type switch
            {
                "System.Int32" => "a whole number",
                "System.Boolean" => "true or false",
                _ => type,
            };
            return new ConfigurationProblem(convert.Groups["key"].Value, $"must be {friendly} (got '{convert.Groups["value"].Value}')");
        }

        // "... the following properties were not found on the instance of ...SipOptions: 'Prot'"
        var unknown = Regex.Match(message, @"instance of [\w.]*?\.(?<type>\w+): (?<names>.+)$");
        if (unknown.Success)
        {
            var section = unknown.Groups["type"].Value switch
            {
                nameof(GatewayOptions) => GatewayOptions.SectionName,
                nameof(SipOptions) => "Gateway:Sip",
                nameof(MediaOptions) => "Gateway:Media",
                nameof(PlatformOptions) => "Gateway:Platforms:<n>",
                nameof(CatalogShareOptions) => "Gateway:Platforms:<n>:Catalog",
                nameof(RedisOptions) => "Gateway:Redis",
                nameof(MqttOptions) => "Gateway:Mqtt",
                nameof(HttpOptions) => "Gateway:Http",
                var other => other,
            };
            var names = unknown.Groups["names"].Value.Replace("'", string.Empty, StringComparison.Ordinal).Trim();
            return new ConfigurationProblem($"{section}:{names}", "unknown key (misspelt?)");
        }

        return new ConfigurationProblem(GatewayOptions.SectionName, message.Split('\n')[0].Trim());
    }
}
