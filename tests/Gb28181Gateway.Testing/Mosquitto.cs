using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gb28181Gateway.Testing;

/// <summary>How a test's mosquitto is configured.</summary>
public sealed class MosquittoOptions
{
    /// <summary>User name → password, written with mosquitto_passwd; when set, anonymous clients are refused.</summary>
    public IReadOnlyDictionary<string, string>? Users { get; init; }

    /// <summary>Topic patterns anonymous clients may not subscribe to (dynamic-security plugin: SUBACK 0x80).</summary>
    public IReadOnlyList<string>? DeniedSubscriptions { get; init; }

    /// <summary>Also listen with TLS on <see cref="Mosquitto.TlsPort"/>, with a self-signed certificate for 127.0.0.1/localhost.</summary>
    public bool Tls { get; init; }
}

/// <summary>
/// A real mosquitto broker for one test: its own config, persistence directory and loopback port (from
/// <see cref="LoopbackPorts"/>), log on stderr with every packet, and stop/kill/restart on the same port with the
/// persisted sessions kept. Also starts mosquitto_sub / mosquitto_pub against itself.
/// </summary>
public sealed class Mosquitto : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly MosquittoOptions _options;
    private readonly StringBuilder _previousLogs = new();
    private readonly List<IAsyncDisposable> _clients = [];
    private ExternalProcess? _broker;

    private Mosquitto(MosquittoOptions options, string directory)
    {
        _options = options;
        Directory = directory;
        Port = LoopbackPorts.Next();
        TlsPort = options.Tls ? LoopbackPorts.Next() : 0;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>TLS listener port; 0 without <see cref="MosquittoOptions.Tls"/>.</summary>
    public int TlsPort { get; }

    /// <summary>The broker's self-signed certificate when TLS is on.</summary>
    public X509Certificate2? TlsCertificate { get; private set; }

    /// <summary>Config, password file, persistence database, pid file.</summary>
    public string Directory { get; }

    public bool IsRunning => _broker is { HasExited: false };

    /// <summary>The broker's log across every start so far.</summary>
    public string Log => _previousLogs + (_broker?.Output ?? "");

    public static async Task<Mosquitto> StartAsync(MosquittoOptions? options = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "gb28181-mosquitto-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var broker = new Mosquitto(options ?? new MosquittoOptions(), directory);
        try
        {
            await broker.WriteConfigurationAsync();
            await broker.StartProcessAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Graceful stop (SIGTERM): the broker saves its sessions and queued messages to the persistence directory.</summary>
    public async Task StopAsync()
    {
        if (_broker is not { HasExited: false } broker)
        {
            return;
        }

        var pid = await File.ReadAllTextAsync(Path.Combine(Directory, "mosquitto.pid"));
        await using (var kill = ExternalProcess.Start("kill", ["-TERM", pid.Trim()]))
        {
            await kill.WaitForExitAsync(StartTimeout);
        }

        await broker.WaitForExitAsync(StartTimeout);
        await RetireAsync();
    }

    /// <summary>Abrupt stop (SIGKILL): nothing is saved since the last autosave.</summary>
    public async Task KillAsync()
    {
        if (_broker is null)
        {
            return;
        }

        _broker.Kill();
        await _broker.WaitForExitAsync(StartTimeout);
        await RetireAsync();
    }

    /// <summary>Starts the broker again on the same port with the same configuration and persistence directory.</summary>
    public Task RestartAsync() => StartProcessAsync();

    /// <summary>How many times the broker has logged <paramref name="text"/> since its latest start.</summary>
    public int CountInLog(string text)
    {
        var log = _broker?.Output ?? "";
        var count = 0;
        for (var at = log.IndexOf(text, StringComparison.Ordinal); at >= 0; at = log.IndexOf(text, at + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Waits until the broker has logged <paramref name="text"/> at least <paramref name="count"/> times since its latest start.</summary>
    public async Task WaitForLogCountAsync(string text, int count, ExternalProcess? alsoWatch = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? StartTimeout);
        while (CountInLog(text) < count)
        {
            if (alsoWatch is { HasExited: true })
            {
                throw new InvalidOperationException($"{alsoWatch.FileName} exited:\n{alsoWatch.Output}\nbroker log:\n{Log}");
            }

            if (!IsRunning || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"mosquitto did not log '{text.Trim()}' {count} times within {timeout ?? StartTimeout}:\n{Log}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the broker has logged <paramref name="text"/> (since its latest start).</summary>
    public Task WaitForLogAsync(string text, TimeSpan? timeout = null) =>
        (_broker ?? throw new InvalidOperationException("mosquitto is not running")).WaitForOutputAsync(text, timeout ?? StartTimeout);

    /// <summary>Starts mosquitto_sub on <paramref name="topic"/> and waits until the broker has sent its SUBACK.</summary>
    /// <param name="clientId">With <paramref name="cleanSession"/> false, the broker keeps the subscription and queues QoS 1 messages while it is away.</param>
    public async Task<MosquittoSubscriber> SubscribeAsync(string topic, int qos = 1, string? clientId = null, bool cleanSession = true, string? username = null, string? password = null)
    {
        clientId ??= "sub-" + Guid.NewGuid().ToString("N")[..10];
        var args = new List<string> { "-V", "mqttv311", "-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-t", topic, "-q", qos.ToString(CultureInfo.InvariantCulture), "-i", clientId, "-F", MosquittoSubscriber.Format };

        if (!cleanSession)
        {
            args.Add("-c");
        }

        AddCredentials(args, username, password);
        // mosquitto_sub flushes the messages it prints but not its debug lines, so the broker's log says when it is subscribed.
        var subAck = $"Sending SUBACK to {clientId}{Environment.NewLine}";
        var before = CountInLog(subAck);
        var subscriber = new MosquittoSubscriber(ExternalProcess.Start("mosquitto_sub", args, Directory));
        _clients.Add(subscriber);
        await WaitForLogCountAsync(subAck, before + 1, subscriber.Process);
        return subscriber;
    }

    /// <summary>Publishes one message with mosquitto_pub and waits for it to finish successfully.</summary>
    public async Task PublishAsync(string topic, string payload, int qos = 1, bool retain = false, string? username = null, string? password = null)
    {
        var args = new List<string> { "-V", "mqttv311", "-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-t", topic, "-m", payload, "-q", qos.ToString(CultureInfo.InvariantCulture) };
        if (retain)
        {
            args.Add("-r");
        }

        AddCredentials(args, username, password);
        await using var publisher = ExternalProcess.Start("mosquitto_pub", args, Directory);
        var exit = await publisher.WaitForExitAsync(StartTimeout);
        if (exit != 0)
        {
            throw new InvalidOperationException($"mosquitto_pub exited with {exit}:\n{publisher.Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        TlsCertificate?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task StartProcessAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("mosquitto is already running");
        }

        if (_broker is not null)
        {
            await RetireAsync();
        }

        _broker = ExternalProcess.Start("mosquitto", ["-c", Path.Combine(Directory, "mosquitto.conf")], Directory);
        await _broker.WaitForOutputAsync(" running", StartTimeout);
    }

    private async Task RetireAsync()
    {
        if (_broker is null)
        {
            return;
        }

        _previousLogs.Append(_broker.Output);
        await _broker.DisposeAsync();
        _broker = null;
    }

    private async Task WriteConfigurationAsync()
    {
        var config = new StringBuilder();
        config.AppendLine("per_listener_settings false");
        config.AppendLine(CultureInfo.InvariantCulture, $"listener {Port} {Host}");
        config.AppendLine(CultureInfo.InvariantCulture, $"user {Environment.UserName}");
        config.AppendLine(CultureInfo.InvariantCulture, $"pid_file {Path.Combine(Directory, "mosquitto.pid")}");
        config.AppendLine("persistence true");
        config.AppendLine(CultureInfo.InvariantCulture, $"persistence_location {Directory}/");
        config.AppendLine("log_dest stderr");
        config.AppendLine("log_type all");
        config.AppendLine("log_timestamp false");

        // Never drop a slow test subscriber's QoS 1 messages (the default limit is 1000).
        config.AppendLine("max_queued_messages 0");

        if (_options.Users is { Count: > 0 } users)
        {
            var passwordFile = Path.Combine(Directory, "passwd");
            var first = true;
            foreach (var (user, password) in users)
            {
                List<string> args = first ? ["-b", "-c", passwordFile, user, password] : ["-b", passwordFile, user, password];
                first = false;
                await using var passwd = ExternalProcess.Start("mosquitto_passwd", args, Directory);
                if (await passwd.WaitForExitAsync(StartTimeout) != 0)
                {
                    throw new InvalidOperationException($"mosquitto_passwd failed:\n{passwd.Output}");
                }
            }

            config.AppendLine("allow_anonymous false");
            config.AppendLine(CultureInfo.InvariantCulture, $"password_file {passwordFile}");
        }
        else
        {
            config.AppendLine("allow_anonymous true");
        }

        if (_options.DeniedSubscriptions is { Count: > 0 } denied)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"plugin {FindDynamicSecurityPlugin()}");
            config.AppendLine(CultureInfo.InvariantCulture, $"plugin_opt_config_file {WriteDynamicSecurityConfig(denied)}");
        }

        if (_options.Tls)
        {
            var (certFile, keyFile) = WriteSelfSignedCertificate();
            config.AppendLine(CultureInfo.InvariantCulture, $"listener {TlsPort} {Host}");
            config.AppendLine(CultureInfo.InvariantCulture, $"certfile {certFile}");
            config.AppendLine(CultureInfo.InvariantCulture, $"keyfile {keyFile}");
        }

        await File.WriteAllTextAsync(Path.Combine(Directory, "mosquitto.conf"), config.ToString());
    }

    private string WriteDynamicSecurityConfig(IReadOnlyList<string> denied)
    {
        var acls = string.Join(",", denied.Select(t => $$"""{"acltype":"subscribePattern","topic":"{{t}}","priority":0,"allow":false}"""));
        var json = $$"""
            {
              "defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": true, "unsubscribe": true},
              "clients": [],
              "groups": [{"groupname": "anonymous", "roles": [{"rolename": "restricted"}]}],
              "roles": [{"rolename": "restricted", "acls": [{{acls}}]}],
              "anonymousGroup": "anonymous"
            }
            """;
        var path = Path.Combine(Directory, "dynamic-security.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string FindDynamicSecurityPlugin()
    {
        string[] candidates =
        [
            "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
            "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so",
            "/usr/lib/mosquitto_dynamic_security.so",
            "/usr/local/lib/mosquitto_dynamic_security.so",
        ];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("mosquitto_dynamic_security.so not found (Debian package mosquitto); ./test.sh installs the tools the tests need.");
    }

    private (string CertFile, string KeyFile) WriteSelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        TlsCertificate = X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert));
        var certFile = Path.Combine(Directory, "broker.crt");
        var keyFile = Path.Combine(Directory, "broker.key");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }

    private static void AddCredentials(List<string> args, string? username, string? password)
    {
        if (username is not null)
        {
            args.AddRange(["-u", username]);
        }

        if (password is not null)
        {
            args.AddRange(["-P", password]);
        }
    }
}
