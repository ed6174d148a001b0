using System.Diagnostics.Metrics;
using System.Security.Authentication;
using System.Text;
using System.Threading.Channels;
using Gb28181Gateway.Integrations.Mqtt.Codec;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>
/// Our MQTT 3.1.1 client (MQTTnet is not served by the package registry): plain TCP or TLS, QoS 0/1 publish with a
/// bounded queue, QoS 0/1/2 receive, keep alive on the injected <see cref="TimeProvider"/>, and automatic reconnect
/// with capped exponential backoff and jitter. This class owns the connection loop and the state; the session
/// state that outlives connections is in <see cref="MqttSession"/>.
/// </summary>
public sealed class MqttClient : IMqttClient
{
    /// <summary>Remaining Length limit minus the topic length field and packet identifier.</summary>
    private const int MaxPayloadLength = MqttFrameScanner.MaxRemainingLength - 4;

    private readonly MqttClientOptions _options;
    private readonly TimeSpan _stableConnection;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly MqttMetrics _metrics;
    private readonly Channel<MqttApplicationMessage> _inbound;
    private readonly MqttSession _session;
    private readonly Lock _gate = new();
    private Run? _run;
    private MqttConnectionState _state;
    private int _disposed;

    /// <param name="options">Validated and copied here; later changes to the instance have no effect.</param>
    /// <param name="meterFactory">Source of the <c>Gb28181Gateway.Integrations</c> meter; null creates a meter owned by the client.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public MqttClient(MqttClientOptions options, ILogger<MqttClient>? logger = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
        : this(options, logger, timeProvider, meterFactory, Random.Shared)
    {
    }

    internal MqttClient(MqttClientOptions options, ILogger? logger, TimeProvider? timeProvider, IMeterFactory? meterFactory, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        _options = options;
        _stableConnection = options.ReconnectDelayMax < TimeSpan.FromSeconds(30) ? options.ReconnectDelayMax : TimeSpan.FromSeconds(30);
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _random = random;
        _inbound = Channel.CreateBounded<MqttApplicationMessage>(new BoundedChannelOptions(options.InboundCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _metrics = new MqttMetrics(meterFactory, () => State == MqttConnectionState.Connected, () => QueuedMessageCount);
        _session = new MqttSession(options, _time, _logger, _metrics, _inbound.Writer);
    }

    public event EventHandler<MqttConnectionStateChangedEventArgs>? ConnectionStateChanged;

    public MqttConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public ChannelReader<MqttApplicationMessage> Messages => _inbound.Reader;

    public int QueuedMessageCount => _session.QueuedCount;

    /// <summary>The meter holding this client's instruments (tests listen to it).</summary>
    internal Meter Meter => _metrics.Meter;

    internal MqttSession Session => _session;

    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Run run;
        lock (_gate)
        {
            if (_run is not null)
            {
                throw new InvalidOperationException("The MQTT client is already started; call DisconnectAsync before connecting again.");
            }

            run = new Run();
            _run = run;
            run.Task = Task.Run(() => RunAsync(run), CancellationToken.None);
        }

        return WaitForFirstConnectionAsync(run, cancellationToken);
    }

    public Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (message.QualityOfService == MqttQualityOfService.ExactlyOnce)
        {
            throw new NotSupportedException($"QoS 2 publishing is not supported by this MQTT client; publish '{message.Topic}' at QoS 1.");
        }

        // Refused here rather than failing the connection on every re-send.
        if (message.Payload.Length > MaxPayloadLength - Encoding.UTF8.GetByteCount(message.Topic))
        {
            throw new ArgumentException($"The MQTT message to '{message.Topic}' is {message.Payload.Length} bytes; a PUBLISH carries at most {MaxPayloadLength} bytes of topic and payload.", nameof(message));
        }

        var delivered = _session.PublishAsync(message);
        return cancellationToken.CanBeCanceled ? delivered.WaitAsync(cancellationToken) : delivered;
    }

    public Task<IReadOnlyList<MqttSubscribeResult>> SubscribeAsync(IReadOnlyList<MqttTopicSubscription> subscriptions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (subscriptions.Count == 0 || subscriptions.Any(s => s is null))
        {
            throw new ArgumentException("Subscribe to at least one topic filter, without null entries.", nameof(subscriptions));
        }

        return _session.SubscribeAsync([.. subscriptions]).WaitAsync(cancellationToken);
    }

    public Task UnsubscribeAsync(IReadOnlyList<string> topicFilters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicFilters);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (topicFilters.Count == 0)
        {
            throw new ArgumentException("Unsubscribe from at least one topic filter.", nameof(topicFilters));
        }

        foreach (var filter in topicFilters)
        {
            MqttTopic.ThrowIfInvalidTopicFilter(filter, nameof(topicFilters));
        }

        return _session.UnsubscribeAsync([.. topicFilters]).WaitAsync(cancellationToken);
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        Run? run;
        lock (_gate)
        {
            run = _run;
        }

        if (run is null)
        {
            return;
        }

        await _session.DrainAsync(cancellationToken);
        await StopAsync(run);
        if (_session.UndeliveredCount is > 0 and var undelivered)
        {
            Log.UndeliveredAtDisconnect(_logger, undelivered);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Run? run;
        lock (_gate)
        {
            run = _run;
        }

        if (run is not null)
        {
            await StopAsync(run);
        }

        var failed = _session.FailAll(new ObjectDisposedException(nameof(MqttClient), "The MQTT client was disposed before the message was delivered."));
        if (failed > 0)
        {
            Log.UndeliveredAtDispose(_logger, failed);
        }

        _inbound.Writer.TryComplete();
        _metrics.Dispose();
    }

    private async Task WaitForFirstConnectionAsync(Run run, CancellationToken cancellationToken)
    {
        try
        {
            await run.FirstConnection.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await StopAsync(run);
            throw;
        }
    }

    /// <summary>Ends a run: DISCONNECT on the live connection (so the will is discarded), then the loop stops.</summary>
    private async Task StopAsync(Run run)
    {
        run.Graceful = true;
        var connection = _session.Connection;
        if (connection is not null)
        {
            await connection.CloseGracefullyAsync();
        }

        await run.Stop.CancelAsync();
        await run.Task!;
    }

    private async Task RunAsync(Run run)
    {
        var backoff = new MqttReconnectBackoff(_options.ReconnectDelayMin, _options.ReconnectDelayMax, _random);
        var connectedOnce = false;
        Exception? lastError = null;
        Exception? refusal = null;
        try
        {
            while (!run.Stop.IsCancellationRequested)
            {
                SetState(MqttConnectionState.Connecting, null);
                Log.Connecting(_logger, _options.Broker, _options.ClientId);
                MqttConnection connection;
                try
                {
                    connection = await MqttConnection.OpenAsync(_options, _time, run.Stop.Token);
                }
                catch (OperationCanceledException) when (run.Stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    lastError = ex;
                    if (ex is MqttConnectException refused)
                    {
                        _metrics.Error(MqttErrorReason.ConnectRefused);
                        Log.ConnectRefused(_logger, _options.Broker, refused.Message);
                    }
                    else
                    {
                        _metrics.Error(ex is MqttProtocolException ? MqttErrorReason.ProtocolError : MqttErrorReason.ConnectFailed);
                    }

                    // Misconfiguration (credentials, client id, untrusted certificate) fails the first ConnectAsync
                    // loudly instead of retrying forever; after one success, everything is retried.
                    if (!connectedOnce && ex is MqttConnectException { IsPermanent: true } or AuthenticationException)
                    {
                        if (ex is AuthenticationException)
                        {
                            Log.ConnectRefused(_logger, _options.Broker, "TLS authentication failed: " + ex.Message);
                        }

                        refusal = ex;
                        break;
                    }

                    var delay = backoff.Next();
                    if (ex is not MqttConnectException)
                    {
                        Log.ConnectFailed(_logger, _options.Broker, delay, ex);
                    }

                    if (!await WaitToReconnectAsync(run, ex, delay))
                    {
                        break;
                    }

                    continue;
                }

                connectedOnce = true;
                lastError = null;
                var connectedAt = _time.GetTimestamp();

                // A stop that raced with the handshake still ends this connection with DISCONNECT.
                await using var stopping = run.Stop.Token.Register(static c => _ = ((MqttConnection)c!).CloseGracefullyAsync(), connection);
                var reason = await _session.RunAsync(connection, () =>
                {
                    Log.Connected(_logger, _options.Broker, connection.SessionPresent);
                    SetState(MqttConnectionState.Connected, null, connection.SessionPresent);
                    run.FirstConnection.TrySetResult();
                });
                if (run.Graceful || run.Stop.IsCancellationRequested)
                {
                    Log.Disconnected(_logger, _options.Broker);
                    break;
                }

                // Only a connection that held starts the backoff over: one dropped at once (a second gateway with
                // the same client id taking the session over, say) keeps backing off instead of flapping.
                if (_time.GetElapsedTime(connectedAt) >= _stableConnection)
                {
                    backoff.Reset();
                }

                lastError = reason ?? new IOException("the MQTT connection closed");
                var wait = backoff.Next();
                ReportConnectionLoss(lastError, wait);
                if (!await WaitToReconnectAsync(run, lastError, wait))
                {
                    break;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                if (_run == run)
                {
                    _run = null;
                }
            }

            SetState(MqttConnectionState.Disconnected, run.Graceful ? null : lastError);

            // Last, so a caller retrying ConnectAsync at once finds the client stopped.
            if (refusal is not null)
            {
                run.FirstConnection.TrySetException(refusal);
            }
            else
            {
                run.FirstConnection.TrySetCanceled();
            }
        }
    }

    private void ReportConnectionLoss(Exception reason, TimeSpan delay)
    {
        switch (reason)
        {
            case MqttKeepAliveTimeoutException:
                _metrics.Error(MqttErrorReason.KeepAliveTimeout);
                Log.KeepAliveTimeout(_logger, _options.Broker, _options.PingResponseTimeout);
                break;
            case MqttProtocolException:
                _metrics.Error(MqttErrorReason.ProtocolError);
                Log.ProtocolError(_logger, _options.Broker, reason);
                break;
            default:
                _metrics.Error(MqttErrorReason.ConnectionLost);
                break;
        }

        Log.ConnectionLost(_logger, _options.Broker, delay, reason);
    }

    private async Task<bool> WaitToReconnectAsync(Run run, Exception error, TimeSpan delay)
    {
        SetState(MqttConnectionState.WaitingToReconnect, error, reconnectDelay: delay);
        try
        {
            await Task.Delay(delay, _time, run.Stop.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void SetState(MqttConnectionState state, Exception? error, bool sessionPresent = false, TimeSpan? reconnectDelay = null)
    {
        MqttConnectionState previous;
        lock (_gate)
        {
            previous = _state;
            _state = state;
        }

        if (previous == state && error is null)
        {
            return;
        }

        try
        {
            ConnectionStateChanged?.Invoke(this, new MqttConnectionStateChangedEventArgs(previous, state, error, sessionPresent, reconnectDelay));
        }
#pragma warning disable CA1031 // a subscriber's bug must not stop the connection loop
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.StateHandlerFailed(_logger, ex);
        }
    }

    /// <summary>One ConnectAsync..DisconnectAsync period of the connection loop.</summary>
    private sealed class Run
    {
        public CancellationTokenSource Stop { get; } = new();

        public TaskCompletionSource FirstConnection { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task? Task { get; set; }

        public volatile bool Graceful;
    }
}
