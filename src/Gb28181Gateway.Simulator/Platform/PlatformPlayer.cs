using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Gb28181Gateway.Protocol;
using Gb28181Gateway.Protocol.Sdp;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Simulator.Platform;

/// <summary>What playing a channel brought: the INVITE's status and the RTP that arrived on the offered port.</summary>
internal sealed record PlayResult(int StatusCode, string Ssrc, string? AnsweredSsrc, long Packets, long Bytes, long ForeignSsrcPackets)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300 && Packets > 0;
}

/// <summary>
/// Plays one channel through a registered client: INVITE with a UDP offer on <c>rtpPort</c> (PS/H264/MPEG4,
/// recvonly, y= a live SSRC of the platform's domain), counts the RTP that arrives for a while, then BYE.
/// <c>onPacket</c> is told the running count of RTP packets (any SSRC) as each arrives.
/// </summary>
internal static class PlatformPlayer
{
    public static async Task<PlayResult> PlayAsync(SimulatedPlatform platform, RegisteredClient client, string channelId, int rtpPort,
        TimeSpan duration, CancellationToken cancellationToken, Action<long>? onPacket = null)
    {
        var options = platform.Options;
        var offered = Ssrc.Create(SsrcKind.Live, options.DomainOrDefault, Random.Shared.Next(1, Ssrc.MaxSerial));
        var ssrc = offered.ToString();
        using var socket = new Socket(options.MediaAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(options.MediaAddress, rtpPort));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;

        var agent = platform.Agent;
        var uri = SipUri.Create(channelId, client.Id[..10]);
        var invite = agent.CreateRequest(SipMethod.Invite, uri, platform.Self, new SipNameAddress(uri), client.Source);
        invite.Headers.Add(SipHeaderKind.Subject, $"{channelId}:{ssrc},{options.ServerId}:0");
        invite.ContentType = "application/sdp";
        invite.Body = Offer(options.ServerId, options.MediaAddress.ToString(), port, offered);
        var result = await agent.InviteAsync(invite, client.Source, cancellationToken: cancellationToken);
        if (!result.IsSuccess || result.Dialog is not { } dialog)
        {
            Log.PlayFailed(platform.Logger, channelId, result.StatusCode, result.Response.ReasonPhrase);
            return new PlayResult(result.StatusCode, ssrc, null, 0, 0, 0);
        }

        var answered = AnsweredSsrc(result.Response.Body.Span);
        var expected = Ssrc.TryParse(answered ?? ssrc, out var e) ? e.Value : 0u;
        long packets = 0, bytes = 0, foreign = 0;
        using (var timer = new CancellationTokenSource(duration, platform.Time))
        using (var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token))
        {
            var buffer = new byte[65536];
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer, SocketFlags.None, window.Token);
                    if (received < 12 || buffer[0] >> 6 != 2)
                    {
                        continue;
                    }

                    if (BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8)) == expected)
                    {
                        packets++;
                        bytes += received - 12;
                    }
                    else
                    {
                        foreign++;
                    }

                    onPacket?.Invoke(packets + foreign);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // the listening window is over
            }
        }

        await dialog.ByeAsync(CancellationToken.None);
        return new PlayResult(result.StatusCode, ssrc, answered, packets, bytes, foreign);
    }

    /// <summary>A live-view offer as a platform sends it (<see cref="GbSdp.CreateOffer"/>): recvonly, PS/MPEG4/H264, y=.</summary>
    internal static byte[] Offer(string serverId, string host, int port, Ssrc ssrc) =>
        GbSdp.CreateOffer(new SdpOfferOptions { Kind = SdpSessionKind.Play, OriginId = serverId, Address = host, Port = port, Ssrc = ssrc }).ToBytes();

    private static string? AnsweredSsrc(ReadOnlySpan<byte> body)
    {
        try
        {
            return Media.MediaOffer.Parse(body).Ssrc;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
