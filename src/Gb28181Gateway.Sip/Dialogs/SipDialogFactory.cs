using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;

namespace Gb28181Gateway.Sip.Dialogs;

/// <summary>Dialog state from the request and response that create it (RFC 3261 §12.1.1 UAS, §12.1.2 UAC).</summary>
internal static class SipDialogFactory
{
    /// <summary>
    /// UAC: local party and CSeq from our request, remote party and tag from the response's To, remote target
    /// from its Contact, route set from its Record-Route in reverse. Null when the response has no To tag.
    /// </summary>
    public static SipDialog? CreateUac(SipUserAgent userAgent, SipRequest request, SipResponse response, SipEndPoint peer)
    {
        var remote = response.To;
        var local = request.From;
        if (remote.Tag is null || local.Tag is null)
        {
            return null;
        }

        var routes = response.RecordRoutes;
        var routeSet = new SipNameAddress[routes.Count];
        for (var i = 0; i < routes.Count; i++)
        {
            routeSet[i] = routes[routes.Count - 1 - i];
        }

        var target = response.Contact is { IsWildcard: false } contact ? contact.Uri : request.RequestUri;
        var id = new SipDialogId(request.CallId, local.Tag, remote.Tag);
        var dialog = new SipDialog(userAgent, id, isUac: true, request.Method, local, remote, target, routeSet, peer,
            request.CSeq.Number, remoteCSeq: null, early: response.IsProvisional);
        DialogLog.Created(userAgent.Logger, request.Method, id, "UAC", dialog.State, peer);
        return dialog;
    }

    /// <summary>
    /// UAS: local party and tag from our response's To, remote party from the request's From, remote target from
    /// its Contact, route set from its Record-Route in order, remote CSeq from the request.
    /// </summary>
    public static SipDialog CreateUas(SipUserAgent userAgent, SipRequest request, SipResponse response, SipEndPoint source)
    {
        var local = response.To;
        var remote = request.From;
        var target = request.Contact is { IsWildcard: false } contact ? contact.Uri : remote.Uri;
        var id = new SipDialogId(request.CallId, local.Tag!, remote.Tag ?? string.Empty);
        var dialog = new SipDialog(userAgent, id, isUac: false, request.Method, local, remote, target, request.RecordRoutes, source,
            localCSeq: 0, request.CSeq.Number, early: response.IsProvisional);
        DialogLog.Created(userAgent.Logger, request.Method, id, "UAS", dialog.State, source);
        return dialog;
    }
}
