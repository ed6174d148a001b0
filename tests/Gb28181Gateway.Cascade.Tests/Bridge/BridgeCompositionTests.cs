using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Media;
using Gb28181Gateway.Protocol.Sdp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gb28181Gateway.Cascade.Tests.Bridge;

/// <summary>AddBridge and the small translations the B2BUA relies on.</summary>
public sealed class BridgeCompositionTests
{
    [Fact]
    public void AddBridge_registers_the_directory_the_stream_service_the_relay_and_a_hosted_service()
    {
        var services = new ServiceCollection();
        services.AddBridge();

        Assert.Contains(services, d => d.ServiceType == typeof(ISessionDirectory) && d.Lifetime == ServiceLifetime.Singleton);
        Assert.Contains(services, d => d.ServiceType == typeof(IStreamService) && d.Lifetime == ServiceLifetime.Singleton);
        Assert.Contains(services, d => d.ServiceType == typeof(RtpRelay));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
    }

    [Theory]
    [InlineData(486, 486)]   // busy: the platform learns why
    [InlineData(404, 404)]
    [InlineData(408, 408)]   // no answer in time
    [InlineData(503, 503)]
    [InlineData(603, 603)]
    [InlineData(401, 502)]   // the device challenged the gateway: nothing the platform can answer
    [InlineData(481, 502)]
    public void A_device_failure_is_answered_upward_with_a_matching_status(int device, int upward) =>
        Assert.Equal(upward, BridgeSdp.UpstreamStatus(device));

    [Theory]
    [InlineData("RTP/AVP", SdpSetup.None, MediaTransport.Udp)]
    [InlineData("TCP/RTP/AVP", SdpSetup.Active, MediaTransport.TcpPassive)]    // the peer connects: the gateway listens
    [InlineData("TCP/RTP/AVP", SdpSetup.Passive, MediaTransport.TcpActive)]    // the peer listens: the gateway connects
    [InlineData("TCP/RTP/AVP", SdpSetup.ActPass, MediaTransport.TcpPassive)]
    [InlineData("TCP/RTP/AVP", SdpSetup.None, MediaTransport.TcpPassive)]
    public void The_gateway_takes_the_opposite_tcp_role_of_the_offer(string protocol, SdpSetup setup, MediaTransport leg) =>
        Assert.Equal(leg, BridgeSdp.AnswererLeg(new SdpMedia { MediaType = "video", Port = 6000, Protocol = protocol, Setup = setup }));

    [Theory]
    [InlineData("udp", true, MediaTransport.Udp)]
    [InlineData("TCP-Passive", true, MediaTransport.TcpPassive)]
    [InlineData("tcp-active", true, MediaTransport.TcpActive)]
    [InlineData("quic", false, MediaTransport.Udp)]
    public void Transport_names_parse(string text, bool valid, MediaTransport transport)
    {
        Assert.Equal(valid, BridgeSdp.TryParseTransport(text, out var parsed));
        Assert.Equal(transport, parsed);
    }
}
