using System.Collections.Frozen;
using StackExchange.Redis;

namespace Restaurant.Core.Redis;

/// <summary>
/// Every code a script answers with, first in its answer (then the details). The one list: a script
/// answering anything else fails in <see cref="ScriptAnswer.Of"/>, naming the script.
/// </summary>
internal enum ScriptCode
{
    Ok,
    Noop,
    Retry,
    Created,
    Exists,
    Replay,
    Loaded,
    Reopened,
    Unchanged,
    Routed,
    Skipped,
    Missing,
    Bumped,
    Recalled,
    Fired,
    Cancelled,
    Accepted,
    Conflict,
    NoLocation,
    Closed,
    MenuChanged,
    UnknownItem,
    Unavailable,
    Short,
    NotFound,
    Finished,
    Completed,
    NotRouted,
    NoCourse,
    Voided,
    Held,
    NotReady,
}

/// <summary>A script's answer decoded: its code and the details after it.</summary>
internal readonly struct ScriptAnswer
{
    /// <summary>Each code as the scripts spell it (NOT_FOUND for NotFound).</summary>
    private static readonly FrozenDictionary<string, ScriptCode> Codes = Enum.GetValues<ScriptCode>()
        .ToFrozenDictionary(c => string.Concat(c.ToString().Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + ch : ch.ToString())).ToUpperInvariant(), StringComparer.Ordinal);

    private readonly RedisResult[] _values;

    private ScriptAnswer(string script, ScriptCode code, RedisResult[] values)
    {
        Script = script;
        Code = code;
        _values = values;
    }

    public string Script { get; }

    public ScriptCode Code { get; }

    /// <summary>The whole answer, the code at 0.</summary>
    public RedisResult[] Values => _values;

    /// <summary>The detail at <paramref name="index"/> as text (the code is at 0).</summary>
    public string? this[int index] => index < _values.Length ? (string?)_values[index] : null;

    /// <summary>The detail at <paramref name="index"/> as a number.</summary>
    public int Number(int index) => int.Parse(this[index]!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Decodes an answer: a code alone, or a code and its details.</summary>
    public static ScriptAnswer Of(string script, RedisResult result)
    {
        var values = result.Resp2Type == ResultType.Array ? (RedisResult[])result! : [result];
        var text = values.Length > 0 ? (string?)values[0] : null;
        return text is not null && Codes.TryGetValue(text, out var code)
            ? new ScriptAnswer(script, code, values)
            : throw new InvalidOperationException($"{script} answered '{text}', which is no answer the store knows");
    }

    /// <summary>For an answer its caller does not expect here.</summary>
    public InvalidOperationException Unexpected() => new($"{Script} answered {Code} where it cannot");
}
