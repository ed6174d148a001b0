using System.Diagnostics.Metrics;
using Gb28181Gateway.Integrations.Mqtt;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>Records one client's instruments: counter totals by tag set, and gauges on demand.</summary>
internal sealed class MqttMetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _totals = [];

    public MqttMetricsRecorder(MqttClient client)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, client.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Set(instrument.Name, value, tags));
        _listener.Start();
    }

    /// <summary>Counter total (or last gauge value) for the instrument with exactly the given tag, e.g. ("qos", "1").</summary>
    public long Get(string name, string? tag = null, string? value = null)
    {
        _listener.RecordObservableInstruments();
        lock (_gate)
        {
            return _totals.GetValueOrDefault(Key(name, tag, value));
        }
    }

    public void Dispose() => _listener.Dispose();

    private static string Key(string name, string? tag, string? value) => tag is null ? name : $"{name}{{{tag}={value}}}";

    private void Add(string name, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = tags.Length == 0 ? name : Key(name, tags[0].Key, tags[0].Value?.ToString());
        lock (_gate)
        {
            _totals[key] = _totals.GetValueOrDefault(key) + value;
        }
    }

    private void Set(string name, int value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            _totals[name] = value;
        }
    }
}

/// <summary>Collects a client's state changes and lets a test wait for one.</summary>
internal sealed class MqttStateLog
{
    private readonly Lock _gate = new();
    private readonly List<MqttConnectionStateChangedEventArgs> _changes = [];
    private readonly List<(Func<MqttConnectionStateChangedEventArgs, bool> Match, TaskCompletionSource<MqttConnectionStateChangedEventArgs> Done)> _waiters = [];

    public MqttStateLog(IMqttClient client)
    {
        client.ConnectionStateChanged += (_, e) =>
        {
            List<TaskCompletionSource<MqttConnectionStateChangedEventArgs>> done = [];
            lock (_gate)
            {
                _changes.Add(e);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Match(e))
                    {
                        done.Add(_waiters[i].Done);
                        _waiters.RemoveAt(i);
                    }
                }
            }

            foreach (var d in done)
            {
                d.TrySetResult(e);
            }
        };
    }

    public IReadOnlyList<MqttConnectionStateChangedEventArgs> Changes
    {
        get
        {
            lock (_gate)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>Waits for the next change (after this call) to <paramref name="state"/>.</summary>
    public Task<MqttConnectionStateChangedEventArgs> Next(MqttConnectionState state, Func<MqttConnectionStateChangedEventArgs, bool>? where = null)
    {
        var done = new TaskCompletionSource<MqttConnectionStateChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((e => e.State == state && (where?.Invoke(e) ?? true), done));
        }

        return done.Task.WaitAsync(MqttTest.Timeout);
    }
}

internal static class MqttTest
{
    /// <summary>Generous wait for anything that crosses a socket (the machine is shared and noisy).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static MqttClientOptions Options(Mosquitto broker, string clientId, int? port = null) => new()
    {
        Host = broker.Host,
        Port = port ?? broker.Port,
        ClientId = clientId,
        ReconnectDelayMin = TimeSpan.FromMilliseconds(50),
        ReconnectDelayMax = TimeSpan.FromMilliseconds(400),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    public static string Text(this MqttApplicationMessage message) => System.Text.Encoding.UTF8.GetString(message.Payload.Span);

    /// <summary>ConnectAsync bounded by <see cref="Timeout"/>, so a client that keeps retrying fails the test instead of hanging it.</summary>
    public static async Task StartAsync(this IMqttClient client)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await client.ConnectAsync(cts.Token);
    }

    /// <summary>Waits (up to <see cref="Timeout"/>) for a condition the test cannot await, such as a counter in another process.</summary>
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

    /// <summary>Moves a manual clock forward in small steps until <paramref name="task"/> completes (a reconnect delay, say).</summary>
    public static async Task<T> PumpUntilAsync<T>(this ManualTimeProvider time, Task<T> task, TimeSpan step)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(step);
            await Task.WhenAny(task, Task.Delay(10));
        }

        return await task;
    }

    public static async Task<MqttApplicationMessage> ReadAsync(this IMqttClient client)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await client.Messages.ReadAsync(cts.Token);
    }
}
