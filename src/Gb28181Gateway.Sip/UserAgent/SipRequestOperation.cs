using Gb28181Gateway.Sip.Diagnostics;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transactions;
using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Sip.UserAgent;

/// <summary>Waits for the final response of a non-INVITE client transaction, passing provisionals to the caller's callback.</summary>
internal sealed class SipRequestOperation : ISipClientTransactionOwner
{
    private readonly ILogger _logger;
    private readonly Action<SipResponse>? _onProvisional;
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SipRequestOperation(ILogger logger, Action<SipResponse>? onProvisional)
    {
        _logger = logger;
        _onProvisional = onProvisional;
    }

    public Task<SipResponse> Final => _final.Task;

    public void OnProvisional(SipClientTransaction transaction, SipResponse response) => InvokeProvisional(_logger, _onProvisional, response);

    public void OnFinal(SipClientTransaction transaction, SipResponse response) => _final.TrySetResult(response);

    public void OnAdditional2xx(SipClientTransaction transaction, SipResponse response)
    {
    }

    internal static void InvokeProvisional(ILogger logger, Action<SipResponse>? callback, SipResponse response)
    {
        if (callback is null)
        {
            return;
        }

        try
        {
            callback(response);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            UserAgentLog.ProvisionalCallbackFailed(logger, ex);
        }
    }
}
