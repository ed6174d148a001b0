using Gb28181Gateway.Integrations.Mqtt.Codec;

namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>No PINGRESP came back in time: the connection is dead even if TCP has not noticed.</summary>
internal sealed class MqttKeepAliveTimeoutException(string message) : TimeoutException(message);

/// <summary>
/// Keep alive for one connection (MQTT 3.1.1 section 3.1.2.10), on one timer from the injected TimeProvider:
/// when nothing was sent, or nothing received, for the keep alive period, send PINGREQ; when no PINGRESP follows
/// within the response timeout, abort the connection. Silence while the application is slow to take a received
/// message is not counted against the broker.
/// </summary>
internal sealed class MqttKeepAlive : IDisposable
{
    private readonly MqttConnection _connection;
    private readonly TimeProvider _time;
    private readonly TimeSpan _keepAlive;
    private readonly TimeSpan _responseTimeout;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private long _pingSentAt;
    private bool _pingOutstanding;
    private bool _disposed;

    public MqttKeepAlive(MqttConnection connection, TimeProvider time, TimeSpan keepAlive, TimeSpan responseTimeout)
    {
        _connection = connection;
        _time = time;
        _keepAlive = keepAlive;
        _responseTimeout = responseTimeout;
    }

    /// <summary>PINGRESPs received on this connection.</summary>
    public int PingResponses { get; private set; }

    public void Start()
    {
        if (_keepAlive <= TimeSpan.Zero)
        {
            return;
        }

        lock (_gate)
        {
            _timer = _time.CreateTimer(static s => ((MqttKeepAlive)s!).OnTimer(), this, _keepAlive, Timeout.InfiniteTimeSpan);
        }
    }

    public void OnPingResponse()
    {
        lock (_gate)
        {
            _pingOutstanding = false;
            PingResponses++;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnTimer()
    {
        var sendPing = false;
        var dead = false;
        lock (_gate)
        {
            if (_disposed || _timer is null)
            {
                return;
            }

            var now = _time.GetTimestamp();
            TimeSpan next;
            if (_pingOutstanding)
            {
                var waited = _time.GetElapsedTime(_pingSentAt, now);
                if (waited < _responseTimeout)
                {
                    next = _responseTimeout - waited;
                }
                else if (_connection.IsDeliveringInbound)
                {
                    // The PINGRESP may be queued behind a message the application has not taken yet.
                    next = _responseTimeout;
                }
                else
                {
                    dead = true;
                    next = Timeout.InfiniteTimeSpan;
                }
            }
            else
            {
                var idle = _time.GetElapsedTime(Math.Min(_connection.LastSent, _connection.LastReceived), now);
                if (idle >= _keepAlive)
                {
                    sendPing = true;
                    _pingOutstanding = true;
                    _pingSentAt = now;
                    next = _responseTimeout;
                }
                else
                {
                    next = _keepAlive - idle;
                }
            }

            _timer.Change(next, Timeout.InfiniteTimeSpan);
        }

        if (dead)
        {
            _connection.Abort(new MqttKeepAliveTimeoutException($"no PINGRESP within {_responseTimeout} of PINGREQ"));
        }
        else if (sendPing)
        {
            _ = _connection.WriteAsync(MqttPacketWriter.WritePingReq).AsTask();
        }
    }
}
