using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gb28181Gateway.Benchmarks.Media;

/// <summary>
/// rtpengine's ng control protocol over UDP: a datagram "<c>&lt;cookie&gt; &lt;bencoded dictionary&gt;</c>",
/// answered with the same cookie and a dictionary whose "result" is "ok" (or "pong"), else "error" with
/// "error-reason". A command is retransmitted with the same cookie when no reply comes (rtpengine replays its
/// cached reply for a cookie it has seen, so a retransmission never runs the command twice); replies to other
/// cookies (late answers to an earlier attempt) are skipped. rtpengine caches replies by cookie alone, for
/// every client, so cookies are unique per process (not per client) and carry the process id.
/// </summary>
internal sealed class RtpEngineNgClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _receiveBuffer = new byte[65536];
    private readonly TimeProvider _timeProvider;
    private static long s_cookie;

    public RtpEngineNgClient(IPEndPoint engine, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _socket = new Socket(engine.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(engine);
    }

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public int Attempts { get; init; } = 3;

    /// <summary>Sends <paramref name="command"/> (a complete bencoded dictionary) and returns the reply.</summary>
    /// <exception cref="TimeoutException">No reply after <see cref="Attempts"/> attempts.</exception>
    /// <exception cref="InvalidOperationException">rtpengine answered "error"; the message carries its reason.</exception>
    public async Task<BencodeDictionary> CommandAsync(BencodeWriter command, CancellationToken cancellationToken = default)
    {
        var cookie = Encoding.ASCII.GetBytes($"gb{Environment.ProcessId}-{Interlocked.Increment(ref s_cookie)} ");
        var body = command.WrittenMemory;
        var datagram = new byte[cookie.Length + body.Length];
        cookie.CopyTo(datagram, 0);
        body.Span.CopyTo(datagram.AsSpan(cookie.Length));
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            using var timeout = new CancellationTokenSource(AttemptTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await _socket.SendAsync(datagram, SocketFlags.None, linked.Token);
                while (true)
                {
                    var n = await _socket.ReceiveAsync(_receiveBuffer, SocketFlags.None, linked.Token);
                    if (n > cookie.Length && _receiveBuffer.AsSpan(0, cookie.Length).SequenceEqual(cookie))
                    {
                        return CheckResult(_receiveBuffer.AsMemory(cookie.Length, n - cookie.Length).ToArray(), body);
                    }
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // no reply in time: retransmit with the same cookie
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // ICMP port unreachable: nothing listens (yet); the next attempt may find it
                await Task.Delay(AttemptTimeout / 10, _timeProvider, cancellationToken);
            }
        }

        throw new TimeoutException($"rtpengine ng at {_socket.RemoteEndPoint}: no reply to '{CommandName(body.Span)}' after {Attempts} attempts of {AttemptTimeout.TotalSeconds:F1} s");
    }

    public void Dispose() => _socket.Dispose();

    private static BencodeDictionary CheckResult(byte[] reply, ReadOnlyMemory<byte> command)
    {
        var value = BencodeReader.Parse(reply);
        if (value is not BencodeDictionary dictionary)
        {
            throw new InvalidOperationException($"rtpengine reply to '{CommandName(command.Span)}' is not a dictionary");
        }

        return dictionary.GetText("result") switch
        {
            "ok" or "pong" => dictionary,
            "error" => throw new InvalidOperationException($"rtpengine refused '{CommandName(command.Span)}': {dictionary.GetText("error-reason") ?? "(no error-reason)"}"),
            var other => throw new InvalidOperationException($"rtpengine reply to '{CommandName(command.Span)}' has result '{other ?? "(none)"}'"),
        };
    }

    /// <summary>The "command" value of an encoded command, for messages (commands are small; not a hot path).</summary>
    private static string CommandName(ReadOnlySpan<byte> body) =>
        BencodeReader.Parse(body.ToArray()) is BencodeDictionary d ? d.GetText("command") ?? "?" : "?";
}
