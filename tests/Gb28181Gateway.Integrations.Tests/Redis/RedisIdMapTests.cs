using System.Globalization;
using Gb28181Gateway.Cascade.State;
using Gb28181Gateway.Testing;
using StackExchange.Redis;

namespace Gb28181Gateway.Integrations.Tests.Redis;

/// <summary>The shared per-platform ID maps: atomic across gateways, stable across restarts, reconciled after an outage.</summary>
public sealed class RedisIdMapTests(RedisServerFixture server) : IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = RedisTest.NewPrefix();

    [Fact]
    public async Task Two_gateways_racing_for_the_same_candidate_get_exactly_one_winner_each_time()
    {
        const int Rounds = 200;
        await using var gw1 = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix, "gw-1"));
        await using var gw2 = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix, "gw-2"));
        var wins = new int[2];
        var expected = new Dictionary<ChannelRef, string>();
        for (var i = 0; i < Rounds; i++)
        {
            var candidate = "3401000000131" + i.ToString("D7", CultureInfo.InvariantCulture);
            var a = new ChannelRef("34020000001320000001", "3402000000131" + i.ToString("D7", CultureInfo.InvariantCulture));
            var b = new ChannelRef("34020000001320000002", "3402000000131" + i.ToString("D7", CultureInfo.InvariantCulture));
            var first = Task.Run(async () => await gw1.AssignUpperIdAsync("province", a, candidate));
            var second = Task.Run(async () => await gw2.AssignUpperIdAsync("province", b, candidate));
            var results = await Task.WhenAll(first, second).WaitAsync(RedisTest.Timeout);
            Assert.True(results.Count(r => r is not null) == 1, $"round {i}: {results[0] ?? "null"} / {results[1] ?? "null"}");
            var winner = results[0] is not null ? 0 : 1;
            wins[winner]++;
            Assert.Equal(candidate, results[winner]);
            expected[winner == 0 ? a : b] = candidate;
        }

        // Both maps agree, in both directions, and survive a restart of either gateway.
        Assert.Equal(Rounds, wins[0] + wins[1]);
        await using var restarted = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix, "gw-3"));
        var map = await restarted.LoadIdMapAsync("province");
        Assert.Equal(expected.OrderBy(kv => kv.Value, StringComparer.Ordinal), map.OrderBy(kv => kv.Value, StringComparer.Ordinal));
        using var direct = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        var down = await direct.GetDatabase().HashGetAllAsync($"{_prefix}idmap:{{province}}:down");
        Assert.Equal(
            expected.Select(kv => (kv.Value, kv.Key.ToString())).OrderBy(p => p.Value, StringComparer.Ordinal),
            down.Select(e => ((string)e.Name!, (string)e.Value!)).OrderBy(p => p.Item1, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_mapping_never_changes_across_restarts_and_other_gateways()
    {
        var channel = new ChannelRef("34020000001320000001", "34020000001310000001");
        await using (var gw1 = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix, "gw-1")))
        {
            Assert.Equal("34010000001310000001", await gw1.AssignUpperIdAsync("province", channel, "34010000001310000001"));
        }

        await using var gw2 = await RedisTest.OpenAsync(RedisTest.Settings(server, _prefix, "gw-2"));
        Assert.Equal("34010000001310000001", await gw2.AssignUpperIdAsync("province", channel, "34010000001310000077"));
        Assert.Null(await gw2.AssignUpperIdAsync("province", new ChannelRef("34020000001320000009", "34020000001310000001"), "34010000001310000001"));
        Assert.Equal("34010000001310000001", (await gw2.LoadIdMapAsync("province"))[channel]);
    }

    [Fact]
    public async Task Assignments_made_during_an_outage_are_reconciled_and_the_shared_mapping_wins()
    {
        await using var own = await RedisServerFixture.StartAsync();
        var log = new RedisLogRecorder();
        await using var store = await RedisTest.OpenAsync(RedisTest.Settings(own, _prefix), log);
        Assert.True(store.IsConnected);
        var moved = new ChannelRef("34020000001320000001", "34020000001310000001");
        var clashing = new ChannelRef("34020000001320000001", "34020000001310000002");
        var fresh = new ChannelRef("34020000001320000001", "34020000001310000003");

        await own.KillAsync();
        Assert.Equal("34010000001310000001", await store.AssignUpperIdAsync("province", moved, "34010000001310000001"));
        Assert.Equal("34010000001310000002", await store.AssignUpperIdAsync("province", clashing, "34010000001310000002"));
        Assert.Equal("34010000001310000003", await store.AssignUpperIdAsync("province", fresh, "34010000001310000003"));
        Assert.False(store.IsConnected);

        // Redis comes back refusing this gateway (password) while another gateway maps the same channels.
        await own.RestartAsync("--requirepass", "secret");
        await own.CliAsAsync("secret", "HSET", $"{_prefix}idmap:{{province}}:up", moved.ToString(), "34010000001310000050");
        await own.CliAsAsync("secret", "HSET", $"{_prefix}idmap:{{province}}:down", "34010000001310000050", moved.ToString());
        await own.CliAsAsync("secret", "HSET", $"{_prefix}idmap:{{province}}:up", "34020000001320000002/34020000001310000002", "34010000001310000002");
        await own.CliAsAsync("secret", "HSET", $"{_prefix}idmap:{{province}}:down", "34010000001310000002", "34020000001320000002/34020000001310000002");
        await own.CliAsAsync("secret", "CONFIG", "SET", "requirepass", "");

        await RedisTest.WaitUntilAsync(() => store.IsConnected && store.PendingCount == 0, "the outage's assignments were written back");
        var local = await store.LoadIdMapAsync("province");
        Assert.Equal("34010000001310000050", local[moved]);
        Assert.Equal("34010000001310000003", local[fresh]);
        Assert.Equal(1, log.Count(7006));
        Assert.Equal(1, log.Count(7007));
        Assert.Equal("34020000001320000001/34020000001310000003", await own.CliAsync("HGET", $"{_prefix}idmap:{{province}}:down", "34010000001310000003"));
        Assert.Equal("34020000001320000002/34020000001310000002", await own.CliAsync("HGET", $"{_prefix}idmap:{{province}}:down", "34010000001310000002"));
    }
}
