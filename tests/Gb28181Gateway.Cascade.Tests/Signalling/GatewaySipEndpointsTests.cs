using System.Net;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Signalling;
using Gb28181Gateway.Sip.Messages;
using Gb28181Gateway.Sip.Transport;
using Gb28181Gateway.Sip.UserAgent;
using Gb28181Gateway.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gb28181Gateway.Cascade.Tests.Signalling;

public sealed class GatewaySipEndpointsTests : IAsyncLifetime
{
    private const string ProvinceId = "41010500002000000001";
    private const string CameraId = "34020000001320000001";

    private readonly GatewayOptions _options = new();
    private GatewaySipEndpoints _endpoints = null!;
    private SipTransport _clientTransport = null!;
    private SipUserAgent _client = null!;

    public async Task InitializeAsync()
    {
        _options.Sip.ListenAddress = "127.0.0.1";
        _options.Sip.Port = LoopbackPorts.Next();
        _options.Platforms.Add(new PlatformOptions { Name = "province", ServerId = ProvinceId, LocalPort = 0 });
        _options.Platforms.Add(new PlatformOptions { Name = "city", ServerId = "41010600002000000001", LocalPort = LoopbackPorts.Next() });
        _options.Platforms.Add(new PlatformOptions { Name = "off", ServerId = "41010700002000000001", Enabled = false, LocalPort = 0 });
        _endpoints = new GatewaySipEndpoints(_options, TimeProvider.System, NullLoggerFactory.Instance);
        _endpoints.Handle(SipPeerRole.Device, SipMethod.Message, r => r.Sip.RespondAsync(SipStatus.Ok, "device " + r.SenderId));
        _endpoints.Handle(SipPeerRole.Platform, SipMethod.Message, r => r.Sip.RespondAsync(SipStatus.Ok, "platform " + r.Platform));
        _endpoints.Start();

        _clientTransport = new SipTransport(new SipTransportOptions { ListenAddress = IPAddress.Loopback, Port = 0 });
        _clientTransport.Start();
        _client = new SipUserAgent(_clientTransport);
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _clientTransport.DisposeAsync();
        await _endpoints.DisposeAsync();
    }

    [Theory]
    [InlineData(CameraId, "lower", "device " + CameraId)]
    [InlineData(ProvinceId, "lower", "platform province")]
    [InlineData("41010700002000000001", "lower", "device 41010700002000000001")] // a disabled platform is nobody special
    [InlineData(CameraId, "city", "platform city")] // everything on a platform's own port is that platform's
    public async Task Requests_are_attributed_by_port_and_sender(string sender, string port, string expectedReason)
    {
        var response = await SendAsync(SipMethod.Message, sender, port == "city" ? _options.Platforms[1].LocalPort : _options.Sip.Port, SipTransportKind.Udp);

        Assert.Equal(SipStatus.Ok, response.StatusCode);
        Assert.Equal(expectedReason, response.ReasonPhrase);
    }

    [Fact]
    public async Task Tcp_requests_are_routed_the_same_way()
    {
        var response = await SendAsync(SipMethod.Message, ProvinceId, _options.Sip.Port, SipTransportKind.Tcp);

        Assert.Equal("platform province", response.ReasonPhrase);
    }

    [Fact]
    public async Task A_method_nobody_handles_is_refused_with_405()
    {
        var response = await SendAsync(SipMethod.Subscribe, CameraId, _options.Sip.Port, SipTransportKind.Udp);

        Assert.Equal(SipStatus.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public void A_platform_user_agent_is_its_own_or_the_shared_one()
    {
        Assert.Same(_endpoints.Lower, _endpoints.ForPlatform("province"));
        Assert.NotSame(_endpoints.Lower, _endpoints.ForPlatform("city"));
        Assert.Throws<ArgumentException>(() => _endpoints.ForPlatform("off"));
    }

    private Task<SipResponse> SendAsync(string method, string sender, int port, SipTransportKind transport)
    {
        var target = new SipEndPoint(transport, new IPEndPoint(IPAddress.Loopback, port));
        var request = _client.CreateRequest(
            method,
            SipUri.Create("34020000002000000001", "3402000000"),
            new SipNameAddress(SipUri.Create(sender, "3402000000")),
            new SipNameAddress(SipUri.Create("34020000002000000001", "3402000000")),
            target);
        return _client.SendRequestAsync(request, target);
    }
}
