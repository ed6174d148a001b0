using System.Buffers;
using Gb28181Gateway.Testing;

namespace Gb28181Gateway.Protocol.Tests;

/// <summary>Loads the committed byte vectors of tests/vectors/manscdp and tests/vectors/sdp.</summary>
internal static class Vectors
{
    public static byte[] Manscdp(string name) => File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "manscdp", name));

    public static byte[] Sdp(string name) => File.ReadAllBytes(RepositoryPaths.Path("tests", "vectors", "sdp", name));

    public static IEnumerable<string> Names(string area, string extension) =>
        Directory.EnumerateFiles(RepositoryPaths.Path("tests", "vectors", area), "*." + extension)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    public static TheoryData<string> ManscdpNames() => [.. Names("manscdp", "xml")];

    public static TheoryData<string> SdpNames() => [.. Names("sdp", "sdp")];

    public static TheoryData<string> MansrtspNames() => [.. Names("sdp", "mansrtsp")];

    /// <summary>The same bytes as a two-segment sequence split at <paramref name="at"/>.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        var first = new Segment(bytes.AsMemory(0, at), 0);
        var second = first.Append(bytes.AsMemory(at));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    /// <summary>The bytes as a sequence of one-byte segments.</summary>
    public static ReadOnlySequence<byte> OneByteSegments(byte[] bytes)
    {
        if (bytes.Length < 2)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

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
