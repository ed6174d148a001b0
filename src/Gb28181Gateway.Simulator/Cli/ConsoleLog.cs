using Microsoft.Extensions.Logging;

namespace Gb28181Gateway.Simulator.Cli;

/// <summary>
/// A minimal stderr logger for the CLI (the console logging package is not among the solution's packages):
/// one line per event with time, level, event ID and category; stdout stays for status and results.
/// </summary>
internal sealed class ConsoleLog : ILoggerProvider, ILoggerFactory
{
    private readonly LogLevel _minimum;
    private readonly Lock _gate = new();

    public ConsoleLog(LogLevel minimum) => _minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("ConsoleLog is its own only provider");

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, EventId id, string message, Exception? exception)
    {
        var line = $"{TimeProvider.System.GetUtcNow():HH:mm:ss.fff} {Short(level)} [{id.Id}] {category}: {message}";
        lock (_gate)
        {
            Console.Error.WriteLine(line);
            if (exception is not null)
            {
                Console.Error.WriteLine(exception);
            }
        }
    }

    private static string Short(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class Logger(ConsoleLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(category, logLevel, eventId, formatter(state, exception), exception);
            }
        }
    }
}
