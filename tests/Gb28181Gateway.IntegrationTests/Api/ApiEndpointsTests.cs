using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gb28181Gateway.Api;
using Gb28181Gateway.Cascade.Bridge;
using Gb28181Gateway.Cascade.Configuration;
using Gb28181Gateway.Cascade.Lower;
using Gb28181Gateway.Cascade.Upper;
using Gb28181Gateway.IntegrationTests.Host;
using Gb28181Gateway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gb28181Gateway.IntegrationTests.Api;

/// <summary>The HTTP API on a real Kestrel on loopback, with in-test directories.</summary>
public sealed class ApiEndpointsTests
{
    [Fact]
    public async Task Lists_and_finds_devices_and_their_channels()
    {
        await using var api = await ApiServer.StartAsync();

        var devices = await api.GetJsonAsync("/api/devices");
        Assert.Equal([ApiTestDevices.Nvr, ApiTestDevices.Camera], devices.EnumerateArray().Select(d => d.GetProperty("deviceId").GetString()));
        Assert.Equal("NVR 大门", devices[0].GetProperty("name").GetString());
        Assert.True(devices[0].GetProperty("online").GetBoolean());
        Assert.Equal("tcp:10.0.0.6:51234", devices[0].GetProperty("endpoint").GetString());
        Assert.False(devices[1].TryGetProperty("name", out _));

        var camera = await api.GetJsonAsync($"/api/devices/{ApiTestDevices.Camera}");
        Assert.Equal(ApiTestDevices.Camera, camera.GetProperty("deviceId").GetString());
        Assert.False(camera.GetProperty("online").GetBoolean());
        Assert.Equal("Hikvision", camera.GetProperty("manufacturer").GetString());

        var channels = await api.GetJsonAsync($"/api/devices/{ApiTestDevices.Nvr}/channels");
        Assert.Equal(["34020000001310000001", "34020000001310000002"], channels.EnumerateArray().Select(c => c.GetProperty("channelId").GetString()));
        Assert.Equal([true, false], channels.EnumerateArray().Select(c => c.GetProperty("online").GetBoolean()));
        Assert.Equal("大门", channels[0].GetProperty("name").GetString());

        Assert.Empty((await api.GetJsonAsync($"/api/devices/{ApiTestDevices.Camera}/channels")).EnumerateArray());
    }

    [Fact]
    public async Task Platforms_show_registration_state_last_keepalive_and_shared_channels_but_no_credentials()
    {
        await using var api = await ApiServer.StartAsync();

        using var response = await api.Client.GetAsync("/api/platforms");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("secret-password", text, StringComparison.Ordinal);

        var platforms = JsonDocument.Parse(text).RootElement;
        Assert.Equal(2, platforms.GetArrayLength());
        Assert.Equal("province", platforms[0].GetProperty("name").GetString());
        Assert.Equal("Registered", platforms[0].GetProperty("state").GetString());
        Assert.Equal("2024-05-01T08:31:00+00:00", platforms[0].GetProperty("lastKeepaliveAt").GetString());
        Assert.Equal(2, platforms[0].GetProperty("sharedChannelCount").GetInt32());
        Assert.Equal("Lost", platforms[1].GetProperty("state").GetString());
        Assert.Equal("408 timeout", platforms[1].GetProperty("lastError").GetString());
        Assert.Equal(0, platforms[1].GetProperty("sharedChannelCount").GetInt32());
    }

    [Fact]
    public async Task Sessions_are_listed_and_stop_calls_the_directory()
    {
        await using var api = await ApiServer.StartAsync();

        var sessions = await api.GetJsonAsync("/api/sessions");
        var session = Assert.Single(sessions.EnumerateArray());
        Assert.Equal("s-1", session.GetProperty("sessionId").GetString());
        Assert.Equal(ApiTestDevices.Nvr, session.GetProperty("deviceId").GetString());
        Assert.Equal("0100000001", session.GetProperty("platformSsrc").GetString());

        using var stop = await api.Client.PostAsync("/api/sessions/s-1/stop", content: null);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.Equal("""{"sessionId":"s-1","stopped":true}""", await stop.Content.ReadAsStringAsync());
        Assert.Equal("s-1", Assert.Single(api.Sessions.Stops).SessionId);
        Assert.Empty((await api.GetJsonAsync("/api/sessions")).EnumerateArray());

        using var again = await api.Client.PostAsync("/api/sessions/s-1/stop", content: null);
        await AssertErrorAsync(again, HttpStatusCode.NotFound, "not_found", "s-1");
    }

    [Theory]
    [InlineData("GET", "/api/devices/34020000001320009999")]
    [InlineData("GET", "/api/devices/34020000001320009999/channels")]
    [InlineData("POST", "/api/sessions/no-such-session/stop")]
    public async Task Unknown_ids_are_404_with_a_json_error_naming_the_id(string method, string path)
    {
        await using var api = await ApiServer.StartAsync();

        using var response = await api.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found", path.Split('/')[3]);
    }

    [Theory]
    [InlineData("GET", "/api/devices")]
    [InlineData("GET", "/api/devices/34020000001180000001")]
    [InlineData("GET", "/api/devices/34020000001180000001/channels")]
    [InlineData("GET", "/api/platforms")]
    [InlineData("GET", "/api/sessions")]
    [InlineData("POST", "/api/sessions/s-1/stop")]
    public async Task With_a_token_configured_every_route_is_401_without_it_or_with_a_wrong_one(string method, string path)
    {
        await using var api = await ApiServer.StartAsync(token: "s3cr3t-token");

        using var none = await api.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await AssertErrorAsync(none, HttpStatusCode.Unauthorized, "unauthorized", "Bearer");
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.ToString());

        foreach (var wrong in new[] { "Bearer s3cr3t-tokem", "Bearer s3cr3t-token-and-more", "Basic s3cr3t-token", "s3cr3t-token" })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.TryAddWithoutValidation("Authorization", wrong);
            using var response = await api.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Empty(api.Sessions.Stops);
        var authorized = new HttpRequestMessage(new HttpMethod(method), path);
        authorized.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cr3t-token");
        using var ok = await api.Client.SendAsync(authorized);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task A_part_that_is_not_running_answers_503_instead_of_failing()
    {
        await using var api = await ApiServer.StartAsync(withSessions: false);

        using var response = await api.Client.GetAsync("/api/sessions");

        await AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "unavailable", "session directory");
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/api/devices")).StatusCode);
    }

    [Fact]
    public async Task The_gateway_host_maps_the_api_behind_its_configured_token()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:Http:Token"] = "host-token" });
        using var client = new HttpClient { BaseAddress = host.HttpBase };

        using var response = await client.GetAsync("/api/sessions");

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized", "Gateway:Http:Token");
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string messageContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        Assert.Equal(code, document.RootElement.GetProperty("error").GetString());
        Assert.Contains(messageContains, document.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A WebApplication on a loopback port with only the API mapped and in-test directories registered.</summary>
    private sealed class ApiServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private ApiServer(WebApplication app, HttpClient client, ApiTestSessions sessions)
        {
            _app = app;
            Client = client;
            Sessions = sessions;
        }

        public HttpClient Client { get; }

        public ApiTestSessions Sessions { get; }

        public static async Task<ApiServer> StartAsync(string token = "", bool withSessions = true)
        {
            var port = LoopbackPorts.Next();
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().UseUrls($"http://127.0.0.1:{port}");
            builder.Services.AddRoutingCore();
            var options = new GatewayOptions();
            options.Http.Token = token;
            builder.Services.AddSingleton(Options.Create(options));
            builder.Services.AddSingleton<IDeviceDirectory, ApiTestDevices>();
            builder.Services.AddSingleton<IPlatformDirectory, ApiTestPlatforms>();
            var sessions = new ApiTestSessions();
            if (withSessions)
            {
                builder.Services.AddSingleton<ISessionDirectory>(sessions);
            }

            var app = builder.Build();
            app.UseRouting();
            app.MapGatewayApi();
            await app.StartAsync();
            return new ApiServer(app, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }, sessions);
        }

        public async Task<JsonElement> GetJsonAsync(string path)
        {
            using var response = await Client.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
