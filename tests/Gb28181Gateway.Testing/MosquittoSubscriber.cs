using System.Globalization;

namespace Gb28181Gateway.Testing;

/// <summary>One message as printed by mosquitto_sub.</summary>
public sealed record MosquittoMessage(string Topic, string Payload, int Qos, bool Retained);

/// <summary>A running mosquitto_sub; its output is parsed into the messages it received, in order.</summary>
public sealed class MosquittoSubscriber : IAsyncDisposable
{
    /// <summary>mosquitto_sub -F format: a marker, retain flag, QoS, topic, payload (one line per message).</summary>
    internal const string Format = "MSG|%r|%q|%t|%p";

    private const string Marker = "MSG|";

    internal MosquittoSubscriber(ExternalProcess process)
    {
        Process = process;
    }

    public ExternalProcess Process { get; }

    /// <summary>Messages received so far, in arrival order.</summary>
    public IReadOnlyList<MosquittoMessage> Messages
    {
        get
        {
            var messages = new List<MosquittoMessage>();
            foreach (var line in Process.Output.Split('\n'))
            {
                var text = line.TrimEnd('\r');
                if (!text.StartsWith(Marker, StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = text.Split('|', 5);
                messages.Add(new MosquittoMessage(fields[3], fields[4], int.Parse(fields[2], CultureInfo.InvariantCulture), fields[1] == "1"));
            }

            return messages;
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages have arrived and returns all received so far.</summary>
    public async Task<IReadOnlyList<MosquittoMessage>> WaitForMessagesAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var messages = Messages;
            if (messages.Count >= count)
            {
                return messages;
            }

            if (Process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto_sub exited after {messages.Count} of {count} messages:\n{Process.Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"mosquitto_sub received {messages.Count} of {count} messages:\n{Process.Output}");
            }

            await Task.Delay(20);
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
