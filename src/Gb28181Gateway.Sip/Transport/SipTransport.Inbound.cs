using System.Net;
using System.Net.Sockets;
using System.Text;
using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transactions;
using Gb28181Gateway.Sip.Parsing;

namespace Gb28181Gateway.Sip.Transport;

/// <summary>What the transport does with each received datagram or TCP frame.</summary>
public sealed partial class SipTransport
{
    private const int MaxReasonLength = 120;

    private void OnDatagram(ReadOnlyMemory<byte> data, IPEndPoint remote) =>
        Process(data, new SipEndPoint(SipTransportKind.Udp, remote), null);

    private void OnTcpFrame(ReadOnlyMemory<byte> data, SipTcpConnection connection) => Process(data, connection.Peer, connection);

    private void OnTcpFramingError(SipTcpConnection connection, string error)
    {
        _metrics.ParseError("framing");
        if (_errorLog.TryAcquire(out var suppressed))
        {
            TransportLog.FramingError(_logger, connection.RemoteEndPoint, error, suppressed);
        }
    }

    private void OnUnreachable(IPEndPoint target, SocketError error)
    {
        if (_receiver is ISipTransportErrorReceiver errors)
        {
            errors.OnUnreachable(new SipEndPoint(SipTransportKind.Udp, target), error.ToString());
        }
    }

    private void Process(ReadOnlyMemory<byte> data, SipEndPoint source, SipTcpConnection? connection)
    {
        var receiver = _receiver;
        if (receiver is null || IsKeepAlive(data.Span))
        {
            return;
        }

        var result = SipMessageParser.Parse(data);
        if (result.Success && data.Length > _options.MaxMessageSize)
        {
            result = SipParseResult.Fail($"message of {data.Length} bytes exceeds the {_options.MaxMessageSize}-byte limit", result.Message,
                SipStatus.MessageTooLarge);
        }

        if (!result.Success)
        {
            OnParseError(result, data, source);
            return;
        }

        var message = result.Message!;
        _metrics.MessageReceived(message);
        try
        {
            if (message is SipRequest request)
            {
                SipViaProcessing.StampReceived(request, source.Address);
                if (connection is not null)
                {
                    _tcp.AddAlias(request, connection);
                }

                receiver.OnRequest(request, source);
            }
            else
            {
                receiver.OnResponse((SipResponse)message, source);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // a bug above must not stop the receive loop
            TransportLog.ReceiverFailed(_logger, source, ex);
        }
    }

    private void OnParseError(SipParseResult result, ReadOnlyMemory<byte> data, SipEndPoint source)
    {
        var isResponse = result.Message is SipResponse || (result.Message is null && data.Span.TrimStart("\r\n"u8).StartsWith("SIP/"u8));
        _metrics.ParseError(isResponse ? "response" : "request");
        var log = _errorLog.TryAcquire(out var suppressed);
        if (result.Message is SipRequest partial && partial.Method != SipMethod.Ack && TryCreateErrorResponse(partial, result, source, out var response))
        {
            if (log)
            {
                TransportLog.MalformedRequestAnswered(_logger, source, result.Error!, response.StatusCode, suppressed);
            }

            _ = SendErrorResponseAsync(response, source);
            return;
        }

        if (log)
        {
            TransportLog.MalformedMessageDropped(_logger, source, isResponse ? "response" : "request", result.Error!, suppressed);
        }
    }

    private static bool TryCreateErrorResponse(SipRequest partial, SipParseResult result, SipEndPoint source, out SipResponse response)
    {
        response = null!;
        try
        {
            // the answer needs what CreateFor copies and what routing reads
            if (partial.TopVia is null)
            {
                return false;
            }

            _ = partial.From;
            _ = partial.To;
            _ = partial.CallId;
            _ = partial.CSeq;
            SipViaProcessing.StampReceived(partial, source.Address);
            response = SipResponse.CreateFor(partial, result.ErrorStatusCode, ReasonFor(result), SipIdentifiers.NewTag());
            return true;
        }
        catch (SipMessageException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private async Task SendErrorResponseAsync(SipResponse response, SipEndPoint source)
    {
        try
        {
            await ((ISipTransport)this).SendResponseAsync(new SipOutboundMessage(response), source);
        }
        catch (SipTransportException ex)
        {
            TransportLog.ErrorResponseNotSent(_logger, source, ex.Message);
        }
    }

    /// <summary>"Bad Request (malformed CSeq header)": the standard phrase with what was wrong, printable ASCII only.</summary>
    private static string ReasonFor(SipParseResult result)
    {
        var detail = result.Error ?? "malformed message";
        var sb = new StringBuilder(SipStatus.GetReasonPhrase(result.ErrorStatusCode).Length + detail.Length + 3);
        sb.Append(SipStatus.GetReasonPhrase(result.ErrorStatusCode)).Append(" (");
        foreach (var c in detail.AsSpan(0, Math.Min(detail.Length, MaxReasonLength)))
        {
            sb.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return sb.Append(')').ToString();
    }

    /// <summary>CRLF keep-alives (RFC 5626) and empty datagrams carry no message.</summary>
    private static bool IsKeepAlive(ReadOnlySpan<byte> data) => data.IndexOfAnyExcept("\r\n \t\0"u8) < 0;
}
