using Gb28181Gateway.Integrations.Mqtt.Codec;

namespace Gb28181Gateway.Integrations.Mqtt;

/// <summary>The receiving half of a connection: dispatching what the broker sends and acknowledging it in order.</summary>
internal sealed partial class MqttSession
{
    private async Task ReceiveLoopAsync(MqttConnection connection, MqttKeepAlive keepAlive)
    {
        try
        {
            while (true)
            {
                var packet = await connection.ReadAsync(connection.Closed);
                switch (packet.Type)
                {
                    case MqttPacketType.Publish:
                        await ReceivePublishAsync(connection, packet);
                        break;
                    case MqttPacketType.PubAck:
                        OnPubAck(packet.PacketId);
                        break;
                    case MqttPacketType.PubRel:
                        lock (_gate)
                        {
                            _inboundQos2.Remove(packet.PacketId);
                        }

                        await connection.WriteAsync(packet.PacketId, static (w, id) => MqttPacketWriter.WriteAcknowledgement(w, MqttPacketType.PubComp, id));
                        break;
                    case MqttPacketType.SubAck:
                        OnSubAck(packet.PacketId, packet.SubAckReturnCodes!);
                        break;
                    case MqttPacketType.UnsubAck:
                        OnUnsubAck(packet.PacketId);
                        break;
                    case MqttPacketType.PingResp:
                        keepAlive.OnPingResponse();
                        break;
                    case MqttPacketType.ConnAck:
                        throw new MqttProtocolException("the MQTT broker sent a second CONNACK.");
                    default:
                        // PUBREC/PUBCOMP: this client never publishes at QoS 2.
                        Log.UnknownPacketId(_logger, packet.Type.ToString(), packet.PacketId);
                        break;
                }
            }
        }
        catch (Exception ex)
        {
            connection.Abort(ex);
        }
    }

    private async Task ReceivePublishAsync(MqttConnection connection, MqttPacket packet)
    {
        var message = packet.Message!;
        _metrics.Received(message.QualityOfService);
        switch (message.QualityOfService)
        {
            case MqttQualityOfService.AtMostOnce:
                await DeliverAsync(connection, message);
                break;
            case MqttQualityOfService.AtLeastOnce:
                await DeliverAsync(connection, message);
                await connection.WriteAsync(packet.PacketId, static (w, id) => MqttPacketWriter.WriteAcknowledgement(w, MqttPacketType.PubAck, id));
                break;
            default:
                bool seen;
                lock (_gate)
                {
                    seen = _inboundQos2.Contains(packet.PacketId);
                }

                // Method B of figure 4.3: deliver on PUBLISH, remember the identifier until PUBREL, so a re-sent
                // PUBLISH (DUP) is acknowledged again without delivering it twice.
                if (!seen)
                {
                    await DeliverAsync(connection, message);
                    lock (_gate)
                    {
                        _inboundQos2.Add(packet.PacketId);
                    }
                }

                await connection.WriteAsync(packet.PacketId, static (w, id) => MqttPacketWriter.WriteAcknowledgement(w, MqttPacketType.PubRec, id));
                break;
        }
    }

    private async ValueTask DeliverAsync(MqttConnection connection, MqttApplicationMessage message)
    {
        if (_inbound.TryWrite(message))
        {
            return;
        }

        connection.IsDeliveringInbound = true;
        try
        {
            await _inbound.WriteAsync(message, connection.Closed);
        }
        finally
        {
            connection.IsDeliveringInbound = false;
        }
    }

    private void OnPubAck(ushort packetId)
    {
        MqttOutgoingMessage? message;
        lock (_gate)
        {
            message = _outbox.Acknowledge(packetId);
        }

        if (message is null)
        {
            Log.UnknownPacketId(_logger, nameof(MqttPacketType.PubAck), packetId);
            return;
        }

        _metrics.Published(MqttQualityOfService.AtLeastOnce);
        message.Delivered.TrySetResult();
        _sendSignal.Writer.TryWrite(true);
        SignalIfIdle();
    }

    private void OnSubAck(ushort packetId, byte[] returnCodes)
    {
        (MqttSubscriptionRequest Request, MqttSubscribeResult[] Results)? completed;
        lock (_gate)
        {
            completed = _subscriptions.CompleteSubscribe(packetId, returnCodes);
        }

        if (completed is not { } c)
        {
            Log.UnknownPacketId(_logger, nameof(MqttPacketType.SubAck), packetId);
            return;
        }

        var refused = false;
        foreach (var result in c.Results)
        {
            if (!result.Succeeded)
            {
                refused = true;
                _metrics.Error(MqttErrorReason.SubscribeRejected);
                Log.SubscriptionRejected(_logger, _options.Broker, result.TopicFilter);
            }
        }

        if (refused && !c.Request.IsRenewal)
        {
            c.Request.Completion.TrySetException(new MqttSubscribeException(c.Results));
        }
        else
        {
            c.Request.Completion.TrySetResult(c.Results);
        }
    }

    private void OnUnsubAck(ushort packetId)
    {
        MqttSubscriptionRequest? request;
        lock (_gate)
        {
            request = _subscriptions.CompleteUnsubscribe(packetId);
        }

        if (request is null)
        {
            Log.UnknownPacketId(_logger, nameof(MqttPacketType.UnsubAck), packetId);
            return;
        }

        request.Completion.TrySetResult([]);
    }
}
