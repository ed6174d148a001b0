using System.Diagnostics.Metrics;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Integrations.Redis;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Integrations.Tests.Redis;

/// <summary>Keeps every log entry of the stores it is given to, so a test can count event IDs.</summary>
internal sealed class RedisLogRecorder : ILogger<RedisStateStore>
{
    private readonly Lock _gate = new();
    private readonly List<(EventId Id, LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public int Count(int eventId) => Entries.Count(e => e.Id.Id == eventId);

    public string Dump() => string.Join("\n", Entries.Select(e => $"{e.Id.Id} {e.Level} {e.Message}"));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _entries.Add((eventId, logLevel, formatter(state, exception)));
        }
    }
}

/// <summary>Reads one store's instruments: counter totals by operation, and the connected gauge.</summary>
internal sealed class RedisMetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _values = [];

    public RedisMetricsRecorder(RedisStateStore store)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, store.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = tags.Length == 0 ? instrument.Name : $"{instrument.Name}{{{tags[0].Value}}}";
            lock (_gate)
            {
                _values[key] = _values.GetValueOrDefault(key) + value;
            }
        });
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            lock (_gate)
            {
                _values[instrument.Name] = value;
            }
        });
        _listener.Start();
    }

    /// <summary>gb28181_redis_errors summed over every operation.</summary>
    public long Errors
    {
        get
        {
            lock (_gate)
            {
                return _values.Where(kv => kv.Key.StartsWith("gb28181_redis_errors", StringComparison.Ordinal)).Sum(kv => kv.Value);
            }
        }
    }

    public long ErrorsFor(string operation)
    {
        lock (_gate)
        {
            return _values.GetValueOrDefault($"gb28181_redis_errors{{{operation}}}");
        }
    }

    public long Connected
    {
        get
        {
            _listener.RecordObservableInstruments();
            lock (_gate)
            {
                return _values.GetValueOrDefault("gb28181_redis_connected", -1);
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}

internal static class RedisTest
{
    /// <summary>Generous wait for anything that crosses a socket (the machine is shared and noisy).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly string[] NoRoutes = [];

    /// <summary>Settings for a store on <paramref name="server"/> in a key space no other test uses.</summary>
    public static RedisStateStoreSettings Settings(RedisServerFixture server, string prefix, string instance = "gw-1") => new()
    {
        Configuration = server.Configuration,
        KeyPrefix = prefix,
        Instance = instance,
        RetryInterval = TimeSpan.FromMilliseconds(100),
    };

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10] + ":";

    public static async Task<RedisStateStore> OpenAsync(RedisStateStoreSettings settings, RedisLogRecorder? log = null)
    {
        var store = new RedisStateStore(settings, TimeProvider.System, log ?? new RedisLogRecorder());
        await store.Connected.WaitAsync(Timeout);
        return store;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }

            await Task.Delay(10);
        }
    }

    public static DeviceRecord Device(string deviceId, TimeSpan? expiresIn = null, string instance = "gw-1")
    {
        var now = DateTimeOffset.UtcNow;
        return new DeviceRecord
        {
            DeviceId = deviceId,
            SignallingEndPoint = "udp:10.0.0.5:5060",
            ContactUri = $"sip:{deviceId}@10.0.0.5:5060",
            Instance = instance,
            RegisteredAt = now,
            ExpiresAt = now + (expiresIn ?? TimeSpan.FromHours(1)),
            LastKeepaliveAt = now,
            Online = true,
            Name = "东门枪机",
            Manufacturer = "Hikvision",
            Model = "DS-2CD2T47G2",
            Firmware = "V5.7.3 build 220112",
            CharacterSet = "GB2312",
            UserAgent = "IP Camera",
            ChannelCount = 2,
            CatalogUpdatedAt = now,
        };
    }

    public static DeviceCatalog Catalog(string deviceId) => new(deviceId,
    [
        new CatalogItem
        {
            DeviceId = "34020000001310000001",
            Name = "大门口 球机 & <东>",
            Manufacturer = "Dahua",
            Model = "DH-SD-6C3230UE-HN",
            Owner = "0",
            CivilCode = "340200",
            Address = "合肥市蜀山区",
            Parental = "0",
            ParentId = deviceId,
            RegisterWay = "1",
            Secrecy = "0",
            Status = "ON",
            Longitude = "117.2272",
            Latitude = "31.8206",
            Password = "",
            Info = new CatalogItemInfo { PtzType = "1", DownloadSpeed = "1/2/4/8", PointCommonName = "东门" },
            Extensions =
            [
                new ManscdpElement("StreamNum", "2"),
                new ManscdpElement("VendorInfo") { Attributes = [new ManscdpAttribute("lang", "zh")], Children = [new ManscdpElement("Remark", "备注")] },
            ],
        },
        new CatalogItem { DeviceId = "34020000001310000002", Name = "停车场", Status = "OFF", ParentId = deviceId },
    ]);

    public static PlatformStateRecord Platform(string name, string state = "Registered") => new()
    {
        Name = name,
        State = state,
        RegisteredAt = DateTimeOffset.UtcNow,
        LastKeepaliveAt = DateTimeOffset.UtcNow,
        LastError = state == "Registered" ? null : "408 Request Timeout",
        SharedChannelCount = 12,
    };

    public static SessionRecord Session(string sessionId) => new()
    {
        SessionId = sessionId,
        Kind = "Play",
        Platform = "province",
        UpperChannelId = "34010000001310000009",
        Channel = new ChannelRef("34020000001320000001", "34020000001310000001"),
        Instance = "gw-1",
        StartedAt = DateTimeOffset.UtcNow,
        UpperDialog = new DialogSnapshot
        {
            CallId = "a84b4c76e66710@10.1.0.2",
            LocalTag = "gw-tag-1",
            RemoteTag = "plat-tag-9",
            LocalUri = "<sip:34010000001310000009@3401000000>",
            RemoteUri = "<sip:34010000002000000001@3401000000>",
            RemoteTarget = "sip:34010000002000000001@10.1.0.2:5060",
            Peer = "udp:10.1.0.2:5060",
            RouteSet = ["<sip:10.1.0.3;lr>", "<sip:10.1.0.4;lr>"],
            LocalCSeq = 3,
        },
        DeviceDialog = new DialogSnapshot
        {
            CallId = "gw-call-77@10.0.0.9",
            LocalTag = "gw-tag-2",
            RemoteTag = "cam-tag-5",
            LocalUri = "<sip:34020000002000000001@3402000000>",
            RemoteUri = "<sip:34020000001310000001@3402000000>",
            RemoteTarget = "sip:34020000001320000001@10.0.0.5:5060",
            Peer = "tcp:10.0.0.5:51234",
            LocalCSeq = 21,
        },
        DeviceSsrc = "0200000001",
        PlatformSsrc = "0100000009",
        DeviceMedia = "udp 10.0.0.9:30002",
        PlatformMedia = "tcp-passive 10.1.0.2:6000",
    };

    public static void AssertSession(SessionRecord expected, SessionRecord actual)
    {
        Assert.Equal(expected with { UpperDialog = null, DeviceDialog = null }, actual with { UpperDialog = null, DeviceDialog = null });
        AssertDialog(expected.UpperDialog, actual.UpperDialog);
        AssertDialog(expected.DeviceDialog, actual.DeviceDialog);
    }

    private static void AssertDialog(DialogSnapshot? expected, DialogSnapshot? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.Equal(expected.RouteSet, actual.RouteSet);
        Assert.Equal(expected with { RouteSet = NoRoutes }, actual with { RouteSet = NoRoutes });
    }
}
