namespace Gb28181Gateway.Protocol.Tests;

public sealed class SsrcTests
{
    [Theory]
    [InlineData(SsrcKind.Live, "3402000000", 1, "0200000001")]
    [InlineData(SsrcKind.History, "3402000000", 1, "1200000001")]
    [InlineData(SsrcKind.Live, "4401234567", 9999, "0123459999")]
    [InlineData(SsrcKind.History, "44012345671320000001", 17, "1123450017")]
    public void Built_from_kind_domain_characters_4_to_8_and_serial(SsrcKind kind, string domain, int serial, string expected)
    {
        var ssrc = Ssrc.Create(kind, domain, serial);

        Assert.Equal(expected, ssrc.ToString());
        Assert.Equal(uint.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ssrc.Value);
        Assert.Equal(kind, ssrc.Kind);
        Assert.Equal(serial, ssrc.Serial);
        Assert.Equal(Ssrc.DomainSegmentOf(domain), ssrc.DomainSegment);
    }

    [Theory]
    [InlineData("0200000001", 200000001u, SsrcKind.Live)]
    [InlineData("1200000001", 1200000001u, SsrcKind.History)]
    [InlineData("4294967295", uint.MaxValue, SsrcKind.NonStandard)]
    [InlineData(" 0000010000 ", 10000u, SsrcKind.Live)]
    public void Parsed_to_the_rtp_uint32(string text, uint value, SsrcKind kind)
    {
        var ssrc = Ssrc.Parse(text);

        Assert.Equal(value, ssrc.Value);
        Assert.Equal(kind, ssrc.Kind);
    }

    [Theory]
    [InlineData("020000001", "10 decimal digits")]
    [InlineData("02000000011", "10 decimal digits")]
    [InlineData("02000x0001", "non-digit")]
    [InlineData("4294967296", "4294967295")]
    public void Invalid_ssrcs_say_why(string text, string mentions)
    {
        Assert.False(Ssrc.TryParse(text, out _, out var error));
        Assert.Contains(mentions, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Ssrc.Parse(text));
    }

    [Fact]
    public void Bad_build_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ssrc.Create(SsrcKind.Live, "3402000000", 10000));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ssrc.Create(SsrcKind.NonStandard, "3402000000", 1));
        Assert.Throws<ArgumentException>(() => Ssrc.Create(SsrcKind.Live, "3402", 1));
    }

    [Fact]
    public void Allocator_hands_out_unique_serials_per_domain_and_takes_them_back()
    {
        var allocator = new SsrcAllocator();

        var first = allocator.Allocate(SsrcKind.Live, "3402000000");
        var second = allocator.Allocate(SsrcKind.History, "3402000000");
        var otherDomain = allocator.Allocate(SsrcKind.Live, "4401000000");

        Assert.NotEqual(first.Serial, second.Serial);
        Assert.Equal(SsrcKind.History, second.Kind);
        Assert.Equal(10000, otherDomain.DomainSegment);
        Assert.Equal(2, allocator.InUse("3402000000"));
        Assert.True(allocator.Release(first));
        Assert.False(allocator.Release(first));
        Assert.Equal(1, allocator.InUse("3402000000"));

        // A just-released serial is not reused at once (late packets of the old session).
        Assert.NotEqual(first.Serial, allocator.Allocate(SsrcKind.Live, "3402000000").Serial);
    }

    [Fact]
    public void Allocator_is_exhausted_after_9999_serials_and_recovers_after_a_release()
    {
        var allocator = new SsrcAllocator();
        var issued = new HashSet<int>();
        for (var i = 0; i < Ssrc.MaxSerial; i++)
        {
            Assert.True(issued.Add(allocator.Allocate(SsrcKind.Live, "3402000000").Serial));
        }

        Assert.False(allocator.TryAllocate(SsrcKind.Live, "3402000000", out _));
        Assert.Throws<InvalidOperationException>(() => allocator.Allocate(SsrcKind.Live, "3402000000"));
        Assert.True(allocator.Release(Ssrc.Create(SsrcKind.Live, "3402000000", 1234)));
        Assert.Equal(1234, allocator.Allocate(SsrcKind.History, "3402000000").Serial);
    }

    [Fact]
    public void Reserving_marks_an_outside_ssrc_in_use()
    {
        var allocator = new SsrcAllocator();
        var restored = Ssrc.Create(SsrcKind.Live, "3402000000", 1);

        Assert.True(allocator.TryReserve(restored));
        Assert.False(allocator.TryReserve(restored));
        Assert.False(allocator.TryReserve(new Ssrc(4_000_000_000)));
        Assert.NotEqual(1, allocator.Allocate(SsrcKind.Live, "3402000000").Serial);
    }

    [Fact]
    public async Task Allocator_is_safe_under_concurrent_use()
    {
        var allocator = new SsrcAllocator();
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            var mine = new List<Ssrc>();
            for (var i = 0; i < 500; i++)
            {
                mine.Add(allocator.Allocate(SsrcKind.Live, "3402000000"));
                if (i % 3 == 0)
                {
                    Assert.True(allocator.Release(mine[^1]));
                    mine.RemoveAt(mine.Count - 1);
                }
            }

            return mine;
        })).ToArray();

        var held = (await Task.WhenAll(tasks)).SelectMany(x => x).ToList();

        Assert.Equal(held.Count, held.Select(s => s.Serial).Distinct().Count());
        Assert.Equal(held.Count, allocator.InUse("3402000000"));
    }

    [Theory]
    [InlineData("34020000001320000001:0200000001,34020000002000000001:0", "34020000001320000001", "0200000001", "34020000002000000001", "0")]
    [InlineData(" 34020000001320000001:1200000002 , 34020000002000000001:0 ", "34020000001320000001", "1200000002", "34020000002000000001", "0")]
    [InlineData("34020000001320000001:0200000001", "34020000001320000001", "0200000001", "", "")]
    public void Invite_subject(string text, string sender, string stream, string receiver, string receiverStream)
    {
        var subject = InviteSubject.Parse(text);

        Assert.Equal(new InviteSubject(sender, stream, receiver, receiverStream), subject);
        Assert.True(subject.TryGetSsrc(out var ssrc));
        Assert.Equal(stream, ssrc.ToString());
    }

    [Fact]
    public void Invite_subject_for_media_formats_as_devices_expect()
    {
        var subject = InviteSubject.ForMedia("34020000001320000001", new Ssrc(200000001), "34020000002000000001");

        Assert.Equal("34020000001320000001:0200000001,34020000002000000001:0", subject.ToString());
        Assert.Throws<FormatException>(() => InviteSubject.Parse(":0200000001,x:0"));
    }
}
