namespace Restaurant.Core.Redis;

/// <summary>Redis stream ids ("ms-seq"): parsed and ordered as Redis orders them.</summary>
public static class StreamIds
{
    public static bool TryParse(string? value, out (long Ms, long Seq) id)
    {
        id = default;
        if (value is null)
        {
            return false;
        }

        var dash = value.IndexOf('-');
        if (dash <= 0 || !long.TryParse(value.AsSpan(0, dash), out var ms) || !long.TryParse(value.AsSpan(dash + 1), out var seq) || ms < 0 || seq < 0)
        {
            return false;
        }

        id = (ms, seq);
        return true;
    }

    /// <summary>Orders two well-formed ids; one that does not parse counts as 0-0.</summary>
    public static int Compare(string a, string b)
    {
        TryParse(a, out var x);
        TryParse(b, out var y);
        return x.CompareTo(y);
    }
}
