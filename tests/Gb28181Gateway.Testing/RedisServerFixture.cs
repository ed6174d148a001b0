using System.Globalization;
using System.Text;
using Xunit;

namespace Gb28181Gateway.Testing;

/// <summary>
/// A real redis-server for a test (class): its own loopback port from <see cref="LoopbackPorts"/>, no
/// persistence (<c>--save "" --appendonly no</c>), and kill / restart on the same port to simulate an outage.
/// Usable as an xunit class fixture or created directly with <see cref="StartAsync"/>.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly StringBuilder _previousLogs = new();
    private ExternalProcess? _server;

    public RedisServerFixture()
    {
        Port = LoopbackPorts.Next();
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => Host + ":" + Port.ToString(CultureInfo.InvariantCulture);

    public bool IsRunning => _server is { HasExited: false };

    /// <summary>The server's output across every start so far.</summary>
    public string Log => _previousLogs + (_server?.Output ?? "");

    public static async Task<RedisServerFixture> StartAsync()
    {
        var fixture = new RedisServerFixture();
        try
        {
            await fixture.RestartAsync([]);
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the server (again) on <see cref="Port"/>, empty (nothing is persisted), and waits until it accepts
    /// connections. <paramref name="extraArguments"/> go on the command line (e.g. <c>--requirepass</c>, <c>secret</c>).
    /// </summary>
    public async Task RestartAsync(params string[] extraArguments)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("redis-server is already running");
        }

        await RetireAsync();
        _server = ExternalProcess.Start(
            "redis-server",
            ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", Host, "--save", "", "--appendonly", "no", "--protected-mode", "no", .. extraArguments],
            Path.GetTempPath());
        await _server.WaitForOutputAsync("Ready to accept connections", StartTimeout);
    }

    /// <summary>Kills the server (SIGKILL): open connections break, everything it held is lost.</summary>
    public async Task KillAsync()
    {
        if (_server is null)
        {
            return;
        }

        _server.Kill();
        await _server.WaitForExitAsync(StartTimeout);
        await RetireAsync();
    }

    /// <summary>Runs redis-cli against the server and returns its output (trimmed); throws when it fails.</summary>
    public Task<string> CliAsync(params string[] arguments) => CliAsAsync(null, arguments);

    /// <summary>Runs redis-cli with a password (a server started with --requirepass).</summary>
    public async Task<string> CliAsAsync(string? password, params string[] arguments)
    {
        string[] auth = password is null ? [] : ["-a", password, "--no-auth-warning"];
        await using var cli = ExternalProcess.Start("redis-cli", ["-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), .. auth, .. arguments], Path.GetTempPath());
        var exit = await cli.WaitForExitAsync(StartTimeout);
        return exit == 0 ? cli.Output.Trim() : throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} exited with {exit}:\n{cli.Output}");
    }

    public Task InitializeAsync() => RestartAsync([]);

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    private async Task RetireAsync()
    {
        if (_server is null)
        {
            return;
        }

        _previousLogs.Append(_server.Output);
        await _server.DisposeAsync();
        _server = null;
    }
}
