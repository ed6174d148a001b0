using Gb28181Gateway.Cascade.Events;
using Gb28181Gateway.Cascade.Signalling;

namespace Gb28181Gateway.Hosting;

/// <summary>
/// Binds the SIP endpoints when the host starts (so a port in use stops start-up with a clear error) and
/// closes them last when it stops, after the areas that use them have said goodbye (unregister, BYE).
/// </summary>
internal sealed partial class SipEndpointsService(GatewaySipEndpoints endpoints, GatewayEventBus events, ILogger<SipEndpointsService> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            endpoints.Start();
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or Sip.Transport.SipTransportException)
        {
            Log.BindFailed(logger, ex.Message);
            throw new InvalidOperationException("cannot bind the SIP endpoints: " + ex.Message, ex);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        events.Dispose();
        await endpoints.DisposeAsync();
        Log.Closed(logger);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8001, Level = LogLevel.Critical, Message = "Cannot bind the SIP endpoints: {Reason}")]
        public static partial void BindFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "SIP endpoints closed")]
        public static partial void Closed(ILogger logger);
    }
}
