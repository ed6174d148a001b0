using System.Net;
using System.Net.Sockets;
using System.Text;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.IntegrationTests.Host;

/// <summary>The executable as issue 2 describes it: binds SIP on UDP and TCP, serves /healthz and /metrics, stops cleanly.</summary>
public sealed class GatewayHostTests
{
    private static string Options(string transport, int port, string id) =>
        "OPTIONS sip:34020000002000000001@3402000000 SIP/2.0\r\n" +
        $"Via: SIP/2.0/{transport} 127.0.0.1:{port};rport;branch=z9hG4bK-host-{id}\r\n" +
        "From: <sip:34020000001320000001@3402000000>;tag=t1\r\n" +
        "To: <sip:34020000002000000001@3402000000>\r\n" +
        $"Call-ID: host-test-{id}\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Max-Forwards: 70\r\n" +
        "Content-Length: 0\r\n\r\n";

    [Fact]
    public async Task The_sip_port_answers_on_udp_and_tcp()
    {
        await using var host = await GatewayHost.StartAsync();

        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        await udp.SendAsync(Encoding.ASCII.GetBytes(Options("UDP", local, "udp")), new IPEndPoint(IPAddress.Loopback, host.SipPort));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var datagram = await udp.ReceiveAsync(timeout.Token);
        Assert.StartsWith("SIP/2.0 200", Encoding.ASCII.GetString(datagram.Buffer));

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.SipPort);
        var stream = tcp.GetStream();
        var tcpLocal = ((IPEndPoint)tcp.Client.LocalEndPoint!).Port;
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Options("TCP", tcpLocal, "tcp")), timeout.Token);
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var response = Encoding.ASCII.GetString(buffer, 0, read);
        Assert.StartsWith("SIP/2.0 200", response);
        Assert.Contains("Call-ID: host-test-tcp", response);
    }

    [Fact]
    public async Task Health_and_metrics_are_served_over_http()
    {
        await using var host = await GatewayHost.StartAsync();
        using var http = new HttpClient { BaseAddress = host.HttpBase };

        Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));

        using var metrics = await http.GetAsync("/metrics");
        metrics.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("process_cpu_seconds_total", text);
        Assert.Contains("# TYPE ", text);
    }

    [Fact]
    public async Task A_sip_port_in_use_stops_start_up_with_a_reason()
    {
        var port = LoopbackPorts.Next();
        using var squatter = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => GatewayHost.StartAsync(sipPort: port));

        Assert.Contains("cannot bind the SIP endpoints", ex.Message);
    }

    [Fact]
    public async Task Stopping_releases_the_sip_port()
    {
        var host = await GatewayHost.StartAsync();
        var port = host.SipPort;
        await host.DisposeAsync();

        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        listener.Stop();
    }

    [Fact]
    public async Task The_metrics_endpoint_passes_promtool_after_sip_traffic()
    {
        await using var host = await GatewayHost.StartAsync();
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        await udp.SendAsync(Encoding.ASCII.GetBytes(Options("UDP", local, "promtool")), new IPEndPoint(IPAddress.Loopback, host.SipPort));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await udp.ReceiveAsync(timeout.Token);
        using var http = new HttpClient { BaseAddress = host.HttpBase };

        var exposition = await http.GetByteArrayAsync("/metrics");
        var (exitCode, output) = await Promtool.CheckMetricsAsync(exposition);

        Assert.True(exitCode == 0, $"promtool exit {exitCode}: {output}");
        var text = Encoding.UTF8.GetString(exposition);
        Assert.Contains("gb28181_sip_messages_total{direction=\"in\",method=\"OPTIONS\",status=\"\"}", text);
    }
}
