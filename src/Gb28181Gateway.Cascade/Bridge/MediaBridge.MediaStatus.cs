using System.Threading.Channels;
using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Protocol.Manscdp;
using Gb28181Gateway.Protocol.Text;
using Gb28181Gateway.Sip.Dialogs;
using Gb28181Gateway.Sip.Messages;

namespace Gb28181Gateway.Cascade.Bridge;

/// <summary>MediaStatus (121: the played-back file ended) from a device, relayed up as a MESSAGE in each viewer's dialog.</summary>
internal sealed partial class MediaBridge
{
    private async Task RelayMediaStatusAsync(ChannelReader<GatewayEvent> events)
    {
        await foreach (var e in events.ReadAllAsync())
        {
            if (e is MediaStatusEvent status)
            {
                await OnMediaStatusAsync(status);
            }
        }
    }

    private async Task OnMediaStatusAsync(MediaStatusEvent status)
    {
        BridgeSession[] viewers;
        lock (_gate)
        {
            viewers = [.. _streams.Where(s => s.Dialog?.CallId == status.CallId).SelectMany(s => s.Viewers)];
        }

        foreach (var viewer in viewers)
        {
            if (viewer.UpperDialog is not { State: SipDialogState.Confirmed } dialog)
            {
                continue;
            }

            var message = dialog.CreateRequest(SipMethod.Message);
            var notify = status.Notify with { DeviceId = viewer.UpperChannelId };
            BridgeSdp.SetBody(message, ManscdpCodec.ContentType, ManscdpCodec.Encode(notify, CharsetOf(viewer.Platform)));
            try
            {
                var response = await dialog.SendRequestAsync(message);
                BridgeLog.MediaStatusRelayed(_logger, viewer.Id, status.Notify.NotifyType ?? 0, viewer.Platform, response.StatusCode);
            }
            catch (InvalidOperationException)
            {
                // the dialog ended in between
            }
        }
    }

    private GbCharset CharsetOf(string platform)
    {
        foreach (var p in _options.Platforms)
        {
            if (p.Name == platform && GbEncodings.TryParseCharset(p.CharacterSet, out var charset))
            {
                return charset;
            }
        }

        return GbCharset.Gb2312;
    }
}
