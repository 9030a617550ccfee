namespace Restaurant.Testing;

/// <summary>
/// Seeds of the property tests: a fresh random seed each run, so CI keeps exploring, or the one in
/// RESTAURANT_SEED to rerun a failure exactly. A failure names its seed and how to rerun it.
/// </summary>
public static class Seeds
{
    public const string Variable = "RESTAURANT_SEED";

    public static int Next() =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out var seed) ? seed : Random.Shared.Next();

    /// <summary>Runs a property with its seed; any failure is rethrown naming the seed.</summary>
    public static async Task RunAsync(Func<int, Task> property)
    {
        var seed = Next();
        try
        {
            await property(seed);
        }
        catch (Exception ex)
        {
            throw new SeededFailure(seed, ex);
        }
    }
}

public sealed class SeededFailure(int seed, Exception inner)
    : Exception($"seed {seed} (rerun with {Seeds.Variable}={seed} ./test.sh --filter <test>): {inner.Message}", inner);
