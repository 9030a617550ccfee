using System.Collections.Concurrent;

namespace Restaurant.Core.Redis;

/// <summary>
/// Immutable values parsed from their stored text, kept by that text so that reading the same text
/// again costs a lookup. Bounded: when full it starts over, which costs only parsing again.
/// </summary>
internal sealed class ParsedCache<T>(Func<string, T> parse, int capacity)
    where T : class
{
    private readonly ConcurrentDictionary<string, T> _entries = new(StringComparer.Ordinal);

    public T Parse(string text)
    {
        if (_entries.TryGetValue(text, out var value))
        {
            return value;
        }

        value = parse(text);
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries.TryAdd(text, value);
        return value;
    }
}
