using System.Buffers;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Integrations.Tests.Mqtt;

/// <summary>The MQTT byte vectors in tests/vectors/mqtt (see tests/vectors/README.md) and ways to cut them up.</summary>
internal static class MqttVectors
{
    /// <summary>Packets a client sends: what our writer must produce byte for byte.</summary>
    public static readonly string[] ClientToBroker =
    [
        "connect-will-credentials.bin", "connect-clean-keepalive5.bin", "connect-persistent-credentials.bin",
        "publish-qos1.bin", "publish-qos1-retain.bin", "spec-publish-3.3.2.3.bin",
        "subscribe-two-filters-qos2.bin", "spec-subscribe-3.8.3.1.bin", "unsubscribe.bin", "spec-unsubscribe-3.10.3.1.bin",
        "puback.bin", "pubrec.bin", "pubcomp.bin", "pingreq.bin", "disconnect.bin",
    ];

    /// <summary>Packets a broker sends: what our reader must decode.</summary>
    public static readonly string[] BrokerToClient =
    [
        "connack-accepted.bin", "connack-session-present.bin", "connack-not-authorized.bin",
        "suback-granted-and-failure.bin", "spec-suback-3.9.3.1.bin", "unsuback.bin",
        "publish-qos0-from-broker.bin", "publish-qos1-retained-from-broker.bin", "publish-qos2-from-broker.bin",
        "pubrel-from-broker.bin", "puback.bin", "pubrec.bin", "pubcomp.bin", "pingresp.bin",
    ];

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in ClientToBroker.Concat(BrokerToClient).Distinct())
        {
            data.Add(name);
        }

        return data;
    }

    public static TheoryData<string> FromBroker()
    {
        var data = new TheoryData<string>();
        foreach (var name in BrokerToClient)
        {
            data.Add(name);
        }

        return data;
    }

    public static byte[] Read(string name) => File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "mqtt", name));

    /// <summary>One sequence of the given pieces, each its own segment.</summary>
    public static ReadOnlySequence<byte> Segments(params byte[][] pieces)
    {
        if (pieces.Length == 1)
        {
            return new ReadOnlySequence<byte>(pieces[0]);
        }

        var first = new Segment(pieces[0], 0);
        var last = first;
        foreach (var piece in pieces.Skip(1))
        {
            last = last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>A sequence of one-byte segments.</summary>
    public static ReadOnlySequence<byte> ByteByByte(byte[] bytes) => Segments(bytes.Select(b => new[] { b }).ToArray());

    /// <summary>A sequence cut in two at <paramref name="offset"/> (both parts their own segment, the first possibly empty).</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] bytes, int offset) => Segments(bytes[..offset], bytes[offset..]);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
