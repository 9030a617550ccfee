using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restaurant.Contracts.V1;
using Spectre.Console;
namespace Restaurant.Clients.Load;

/// <summary>What a load run reports: each step's figures on the console, the service's own metrics before and after, and the run as JSON.</summary>
internal static class LoadReport
{
    internal static void Print(Phase phase, StepResult result)
    {
        var table = new Table().AddColumns("latency (ms)", "count", "p50", "p90", "p99", "max");
        void Row(string name, Percentiles p) =>
            table.AddRow(name, $"{p.Count}", Ms(p.P50), Ms(p.P90), Ms(p.P99), Ms(p.Max));
        Row("PlaceOrder answer", result.Answer);
        foreach (var (station, latency) in phase.Screen.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Row($"place → {station} screen", latency.Percentiles());
        }

        Row("place → any screen", result.Screen);
        if (!phase.HoldOpen)
        {
            Row("place → ready", result.Ready);
            Row("place → completed", result.Completed);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated(
            $"offered {result.Offered} orders in {phase.OfferedFor.TotalSeconds:0.0} s ({result.Offered / Math.Max(phase.OfferedFor.TotalSeconds, 0.001):0.#}/s); acknowledged {result.Acknowledged}, completed {result.CompletedCount}");
        AnsiConsole.MarkupLineInterpolated($"errors: {(result.Errors.Count == 0 ? "none" : string.Join(", ", result.Errors.Select(e => $"{e.Key} ×{e.Value}")))}");
        if (phase.Late > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"late: {phase.Late} tickets and orders exist but had not reached a screen or completed when the step was judged (the kitchen was behind by more than --drain)");
        }
        AnsiConsole.MarkupLine(result.InvariantsOk
            ? phase.HoldOpen
                ? "invariants: ok (every acknowledged order: exactly one ticket per station, on each screen that shows it)"
                : "invariants: ok (every acknowledged order: exactly one ticket per station, on each screen that shows it; completed, and every POS terminal heard)"
            : $"[red]invariants: broken[/] ({Markup.Escape(result.Broken)})");
    }

    internal static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString("0.00", CultureInfo.InvariantCulture);


    /// <summary>Reads the Prometheus endpoints as the operator's scraper would: name{labels} → value, summed over instances.</summary>
    internal static async Task<Dictionary<string, double>?> Scrape(string? urls, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(urls))
        {
            return null;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var url in urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string text;
            try
            {
                text = await http.GetStringAsync(url, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]metrics at {url} could not be read[/]: {ex.Message}");
                continue;
            }

            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith("restaurant_", StringComparison.Ordinal) && !line.StartsWith("dotnet_gc_last_collection_heap_size", StringComparison.Ordinal))
                {
                    continue;
                }

                var space = line.LastIndexOf(' ');
                if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    var name = line[..space];
                    values[name] = values.GetValueOrDefault(name) + value;
                }
            }
        }

        return values;
    }

    internal static JsonObject? PrintMetrics(Dictionary<string, double>? before, Dictionary<string, double>? after)
    {
        if (before is null || after is null)
        {
            return null;
        }

        double Sum(Dictionary<string, double> values, string metric) =>
            values.Where(v => v.Key.StartsWith(metric + "{", StringComparison.Ordinal) || v.Key == metric).Sum(v => v.Value);
        double Delta(string metric) => Sum(after, metric) - Sum(before, metric);
        double Labelled(string metric, string label) => after.Concat(before.Select(b => KeyValuePair.Create(b.Key, -b.Value)))
            .Where(v => v.Key.StartsWith(metric + "{", StringComparison.Ordinal) && v.Key.Contains(label, StringComparison.Ordinal)).Sum(v => v.Value);

        var shownCount = Delta("restaurant_ticket_place_to_screen_seconds_count");
        var shownSum = Delta("restaurant_ticket_place_to_screen_seconds_sum");
        var view = new JsonObject
        {
            ["orders_placed"] = Delta("restaurant_orders_placed_total"),
            ["tickets_routed"] = Delta("restaurant_tickets_routed_total"),
            ["tickets_bumped"] = Delta("restaurant_tickets_bumped_total"),
            ["dead_letters"] = Delta("restaurant_queue_dead_letters_total"),
            ["worker_batches"] = Delta("restaurant_worker_batches_total"),
            ["redis_operations"] = Delta("restaurant_redis_operations_total"),
            ["round_trips_place"] = Labelled("restaurant_redis_round_trips_total", "path=\"place\""),
            ["round_trips_route"] = Labelled("restaurant_redis_round_trips_total", "path=\"route\""),
            ["queue_lag"] = Sum(after, "restaurant_queue_lag"),
            ["tickets_shown"] = shownCount,
            ["place_to_screen_mean_ms"] = shownCount > 0 ? Math.Round(shownSum / shownCount * 1000, 2) : null,
            ["place_to_screen_p99_ms_at_most"] = BucketP99(before, after),
        };
        var table = new Table().AddColumns("the operator's metrics over the run", "value");
        foreach (var (name, value) in view)
        {
            table.AddRow(name, value?.ToJsonString() ?? "-");
        }

        AnsiConsole.Write(table);
        return view;
    }

    /// <summary>The upper bound of the bucket holding the 99th percentile of place → screen, over every station.</summary>
    internal static double? BucketP99(Dictionary<string, double> before, Dictionary<string, double> after)
    {
        const string bucket = "restaurant_ticket_place_to_screen_seconds_bucket";
        var byBound = new SortedDictionary<double, double>();
        foreach (var (key, value) in after.Where(v => v.Key.StartsWith(bucket, StringComparison.Ordinal)))
        {
            var le = key[(key.IndexOf("le=\"", StringComparison.Ordinal) + 4)..].TrimEnd('}', '"');
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            byBound[bound] = byBound.GetValueOrDefault(bound) + value - before.GetValueOrDefault(key);
        }

        var total = byBound.Count == 0 ? 0 : byBound.Last().Value;
        if (total <= 0)
        {
            return null;
        }

        var p99 = byBound.First(b => b.Value >= total * 0.99).Key;
        return double.IsInfinity(p99) ? null : p99 * 1000;
    }

    internal static string ToJson(LoadSettings settings, List<Site> sites, List<StepResult> results, double highest, JsonObject? operatorView)
    {
        static JsonObject P(Percentiles p) => new()
        {
            ["count"] = p.Count,
            ["p50"] = Num(p.P50),
            ["p90"] = Num(p.P90),
            ["p99"] = Num(p.P99),
            ["p999"] = Num(p.P999),
            ["max"] = Num(p.Max),
        };
        static JsonNode? Num(double ms) => double.IsNaN(ms) ? null : JsonValue.Create(Math.Round(ms, 3));

        var steps = new JsonArray();
        foreach (var r in results)
        {
            var stations = new JsonObject();
            foreach (var (station, p) in r.ByStation)
            {
                stations[station] = P(p);
            }

            steps.Add(new JsonObject
            {
                ["rate"] = r.Rate,
                ["offered"] = r.Offered,
                ["acknowledged"] = r.Acknowledged,
                ["completed"] = r.CompletedCount,
                ["tickets"] = r.Tickets,
                ["achieved_rate"] = Math.Round(r.AchievedRate, 1),
                ["errors"] = new JsonObject(r.Errors.Select(e => KeyValuePair.Create(e.Key.ToString(), (JsonNode?)e.Value))),
                ["invariants_ok"] = r.InvariantsOk,
                ["late_tickets"] = r.Late,
                ["held_objective"] = r.Held,
                ["answer_ms"] = P(r.Answer),
                ["place_to_screen_ms"] = P(r.Screen),
                ["place_to_screen_by_station_ms"] = stations,
                ["place_to_ready_ms"] = P(r.Ready),
                ["place_to_completed_ms"] = P(r.Completed),
                ["started_at_ms"] = r.StartedMs,
                ["ended_at_ms"] = r.EndedMs,
                ["load_generator_cpu_s"] = Math.Round(r.ClientCpuSeconds, 3),
            });
        }

        var root = new JsonObject
        {
            ["location"] = settings.Locations ?? settings.Location,
            ["duration_s"] = settings.Duration,
            ["hold"] = settings.Hold,
            ["objective_ms"] = settings.ObjectiveMs,
            ["highest_rate_held"] = highest,
            ["screens"] = new JsonArray([.. sites[0].Screens.Select(s => (JsonNode)s.Name)]),
            ["terminals"] = settings.Terminals,
            ["steps"] = steps,
            ["operator_metrics"] = operatorView,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
