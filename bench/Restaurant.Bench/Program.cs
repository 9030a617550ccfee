using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

// Reads what bench/bench.sh measured (results/raw) and writes results/latest.json, latest.md and
// latency.svg: every figure of the service beside the baselines of the same run.
var results = args.Length > 0 ? args[0] : Path.Combine("bench", "results");
var raw = Path.Combine(results, "raw");
var inv = CultureInfo.InvariantCulture;

JsonNode Load(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(raw, name)))!;
string Text(string name) => File.ReadAllText(Path.Combine(raw, name));
Dictionary<string, double> Pairs(string name) => Text(name)
    .Split('\n', StringSplitOptions.RemoveEmptyEntries)
    .Select(l => l.Split(' ', 2))
    .Where(p => p.Length == 2 && double.TryParse(p[1], NumberStyles.Float, inv, out _))
    .ToDictionary(p => p[0], p => double.Parse(p[1], inv));
double? Num(JsonNode? node) => node is null ? null : (double)node;

// Baseline 1: a trivial unary gRPC call on the OrderService's own Kestrel.
var h2 = Text("h2load.txt");
var h2Rps = double.Parse(Regex.Match(h2, @"finished in [\d.]+m?s, ([\d.]+) req/s").Groups[1].Value, inv);
var h2Succeeded = long.Parse(Regex.Match(h2, @"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded").Groups[1].Value, inv);
var h2Mean = Regex.Match(h2, @"time for request:\s+\S+\s+\S+\s+(\S+)").Groups[1].Value;

// Baseline 2: Redis's ceiling for the kinds of commands the service sends.
var redisBench = Text("redis-benchmark.csv").Split('\n', StringSplitOptions.RemoveEmptyEntries)
    .Select(l => l.Split("\",\"").Select(c => c.Trim('"')).ToArray())
    .Where(c => c.Length >= 7)
    .Select(c => (Test: c[0], Rps: double.Parse(c[1], inv), P50: double.Parse(c[4], inv), P99: double.Parse(c[6], inv)))
    .ToList();

// The service against offered rate.
var rates = Load("rates.json");
var steps = rates["steps"]!.AsArray().Select(s => s!).ToList();
var objective = (double)rates["objective_ms"]!;
var highest = (double)rates["highest_rate_held"]!;
var at1000 = steps.FirstOrDefault(s => (double)s["rate"]! == 1000);

// One flow at a fixed rate: Redis commands, round trips and CPU per order.
var flow = Load("flow.json");
var flowStep = flow["steps"]![0]!;
var flowOrders = (double)flowStep["acknowledged"]!;
var view = flow["operator_metrics"];
var commands = Text("commandstats.txt").Split('\n')
    .Select(l => Regex.Match(l, @"^cmdstat_([^:]+):calls=(\d+),usec=(\d+)"))
    .Where(m => m.Success)
    .Select(m => (Command: m.Groups[1].Value, Calls: double.Parse(m.Groups[2].Value, inv), Usec: double.Parse(m.Groups[3].Value, inv)))
    .Where(c => c.Command is not "config|resetstat" and not "info")
    .OrderByDescending(c => c.Calls)
    .ToList();
var scriptCalls = commands.Where(c => c.Command is "evalsha" or "eval").Sum(c => c.Calls);

// commandstats counts the commands a script runs as well as the script call, whose time includes
// theirs. The MONITOR sample says, per command, what share came from scripts; the rest the services
// sent. Redis's time is the time of what was sent: the script calls with everything inside them,
// and the commands sent on their own.
var monitor = File.Exists(Path.Combine(raw, "monitor-sample.txt"))
    ? Text("monitor-sample.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(f => f.Length == 3 && double.TryParse(f[2], NumberStyles.Float, inv, out _))
        .GroupBy(f => f[1])
        .ToDictionary(g => g.Key, g => (Lua: g.Where(f => f[0] == "lua").Sum(f => double.Parse(f[2], inv)), Client: g.Where(f => f[0] == "client").Sum(f => double.Parse(f[2], inv))))
    : [];
double FromScripts(string command) =>
    command is "evalsha" or "eval" ? 0
    : monitor.TryGetValue(command.Split('|')[0], out var m) && m.Lua + m.Client > 0 ? m.Lua / (m.Lua + m.Client)
    : 0;
var sampled = monitor.Count > 0;
var redisUsec = commands.Sum(c => c.Usec * (1 - FromScripts(c.Command)));
var insideScripts = commands.Sum(c => c.Calls * FromScripts(c.Command));
var sentCommands = commands.Sum(c => c.Calls * (1 - FromScripts(c.Command)));
var operations = Num(view?["redis_operations"]);
var batches = Num(view?["worker_batches"]);
var tripsPlace = Num(view?["round_trips_place"]);
var tripsRoute = Num(view?["round_trips_route"]);
double? roundTrips = tripsPlace is { } tp && tripsRoute is { } tr && tp + tr > 0 ? (tp + tr) / flowOrders : null;
var cpuBefore = Pairs("cpu-before.txt");
var cpuAfter = Pairs("cpu-after.txt");
var ticks = cpuAfter["ticks_per_second"];
double CpuPer1000(string process) => cpuAfter.ContainsKey(process) && cpuBefore.ContainsKey(process) ? (cpuAfter[process] - cpuBefore[process]) / ticks / flowOrders * 1000 : double.NaN;

// The service's CPU is Redis (and the AOF rewrites it forks), the OrderService and the worker; the
// load generator's own runs on the same two cores and is counted apart.
string[] serviceProcesses = ["redis", "redis_children", "orderservice", "worker"];
var serviceCpuPer1000 = serviceProcesses.Sum(p => CpuPer1000(p) is var v && double.IsNaN(v) ? 0 : v);
var ratesBefore = File.Exists(Path.Combine(raw, "cpu-rates-before.txt")) ? Pairs("cpu-rates-before.txt") : new Dictionary<string, double>();
var ratesAfter = File.Exists(Path.Combine(raw, "cpu-rates-after.txt")) ? Pairs("cpu-rates-after.txt") : new Dictionary<string, double>();
double? Delta(Dictionary<string, double> before, Dictionary<string, double> after, string key) =>
    before.TryGetValue(key, out var b) && after.TryGetValue(key, out var a) ? a - b : null;
var rewritesInRates = Delta(ratesBefore, ratesAfter, "aof_rewrites");
var rewritesInFlow = Delta(cpuBefore, cpuAfter, "aof_rewrites");
// Samples through the rate steps: ms, AOF rewrite in progress, then CPU ticks of Redis, its rewrite
// children, the OrderService and the worker.
var samples = File.Exists(Path.Combine(raw, "persistence-samples.txt"))
    ? Text("persistence-samples.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(f => f.Length >= 6 && f.All(x => double.TryParse(x, NumberStyles.Float, inv, out _)))
        .Select(f => f.Select(x => double.Parse(x, inv)).ToArray())
        .ToList()
    : [];
var rewriteSamples = samples.Count(f => f[1] == 1);

// Each rate step's CPU per order, from the samples at its start and end, and whether a rewrite ran in it.
var perStep = steps.Select(step =>
{
    var start = Num(step["started_at_ms"]);
    var end = Num(step["ended_at_ms"]);
    var orders = Num(step["acknowledged"]) ?? 0;
    var first = start is { } a ? samples.FirstOrDefault(f => f[0] >= a) : null;
    var last = end is { } b ? samples.LastOrDefault(f => f[0] <= b) : null;
    if (first is null || last is null || last[0] <= first[0] || orders == 0)
    {
        return (Rate: Num(step["rate"]) ?? 0, Cpu: (double[]?)null, Client: (double?)null, Rewrite: false);
    }

    var cpu = Enumerable.Range(2, 4).Select(i => (last[i] - first[i]) / ticks / orders * 1000).ToArray(); // CPU-ms per order
    var client = Num(step["load_generator_cpu_s"]) is { } c ? c / orders * 1000 : (double?)null;
    var rewrite = samples.Any(f => f[0] >= first[0] && f[0] <= last[0] && f[1] == 1);
    return (Rate: Num(step["rate"]) ?? 0, Cpu: cpu, Client: client, Rewrite: rewrite);
}).ToList();

// Memory of open tickets.
var hold = Load("hold.json");
var openTickets = Num(hold["steps"]![0]!["tickets"]) ?? (double)hold["steps"]![0]!["place_to_screen_ms"]!["count"]!;
var memBefore = Pairs("memory-before.txt");
var memAfter = Pairs("memory-after.txt");
double Per10k(string key) => (memAfter[key] - memBefore[key]) / openTickets * 10_000;

var machine = Text("machine.txt").Trim();
var unaryPerOrder = 1 + (Num(flowStep["tickets"]) ?? (double)flowStep["place_to_screen_ms"]!["count"]!) / flowOrders; // PlaceOrder, and a bump per ticket (expo's included)
var screens = flow["screens"]?.AsArray().Select(n => (string)n!).ToList() ?? [];
var balanced = screens.Where(n => n.Contains('@', StringComparison.Ordinal)).Select(n => n[..n.IndexOf('@', StringComparison.Ordinal)]).Distinct().ToList();

var json = new JsonObject
{
    ["machine"] = machine,
    ["baselines"] = new JsonObject
    {
        ["grpc_unary_calls_per_s"] = Math.Round(h2Rps),
        ["grpc_unary_succeeded"] = h2Succeeded,
        ["grpc_unary_mean_latency"] = h2Mean,
        ["redis_benchmark"] = new JsonArray([.. redisBench.Select(r => (JsonNode)new JsonObject
        {
            ["test"] = r.Test, ["requests_per_s"] = r.Rps, ["p50_ms"] = r.P50, ["p99_ms"] = r.P99,
        })]),
    },
    ["service"] = new JsonObject
    {
        ["objective"] = $"place → screen p99 ≤ {objective} ms at every station, no errors, exactly-once",
        ["highest_rate_held_orders_per_s"] = highest,
        ["unary_calls_per_order"] = Math.Round(unaryPerOrder, 2),
        ["steps"] = new JsonArray([.. steps.Select(s => (JsonNode)JsonNode.Parse(s.ToJsonString())!)]),
        ["flow_orders"] = flowOrders,
        ["redis_commands_per_order"] = Math.Round(commands.Sum(c => c.Calls) / flowOrders, 1),
        ["redis_commands_inside_scripts_per_order"] = sampled ? Math.Round(insideScripts / flowOrders, 1) : null,
        ["redis_commands_sent_per_order"] = sampled ? Math.Round(sentCommands / flowOrders, 1) : null,
        ["redis_usec_counted_once"] = sampled,
        ["redis_script_calls_per_order"] = Math.Round(scriptCalls / flowOrders, 2),
        ["redis_usec_per_order"] = Math.Round(redisUsec / flowOrders, 1),
        ["redis_operations_sent_per_order"] = operations is { } ops ? Math.Round(ops / flowOrders, 2) : null,
        ["round_trips_place_and_route_per_order"] = roundTrips is { } rt ? Math.Round(rt, 2) : null,
        ["round_trips_place_per_order"] = tripsPlace is { } tp2 ? Math.Round(tp2 / flowOrders, 2) : null,
        ["round_trips_route_per_order"] = tripsRoute is { } tr2 ? Math.Round(tr2 / flowOrders, 2) : null,
        ["kitchen_screens"] = new JsonArray([.. screens.Select(n => (JsonNode)n)]),
        ["pos_terminals"] = Num(flow["terminals"]),
        ["orders_per_worker_batch"] = batches is { } b2 && b2 > 0 ? Math.Round(flowOrders / b2, 1) : null,
        ["cpu_s_per_1000_orders"] = new JsonObject
        {
            ["redis"] = Math.Round(CpuPer1000("redis"), 3),
            ["redis_aof_rewrite_children"] = double.IsNaN(CpuPer1000("redis_children")) ? null : Math.Round(CpuPer1000("redis_children"), 3),
            ["orderservice"] = Math.Round(CpuPer1000("orderservice"), 3),
            ["worker"] = Math.Round(CpuPer1000("worker"), 3),
            ["service_total"] = Math.Round(serviceCpuPer1000, 3),
            ["load_generator_apart"] = double.IsNaN(CpuPer1000("loadgen")) ? null : Math.Round(CpuPer1000("loadgen"), 3),
        },
        ["cpu_ms_per_order_by_rate"] = new JsonArray([.. perStep.Where(p => p.Cpu is not null).Select(p => (JsonNode)new JsonObject
        {
            ["rate"] = p.Rate,
            ["redis"] = Math.Round(p.Cpu![0], 3),
            ["redis_aof_rewrite_children"] = Math.Round(p.Cpu[1], 3),
            ["orderservice"] = Math.Round(p.Cpu[2], 3),
            ["worker"] = Math.Round(p.Cpu[3], 3),
            ["service_total"] = Math.Round(p.Cpu.Sum(), 3),
            ["load_generator_apart"] = p.Client is { } cl ? Math.Round(cl, 3) : null,
            ["aof_rewrite_during_step"] = p.Rewrite,
        })]),
        ["aof_rewrites"] = new JsonObject
        {
            ["during_rate_steps"] = rewritesInRates,
            ["during_flow"] = rewritesInFlow,
            ["half_second_samples_rewriting_during_rate_steps"] = rewriteSamples,
        },
        ["open_tickets_measured"] = openTickets,
        ["per_10000_open_tickets"] = new JsonObject
        {
            ["redis_used_memory_mib"] = Math.Round(Per10k("redis_used_memory") / 1048576, 2),
            ["orderservice_heap_kib"] = Math.Round(Per10k("orderservice_heap") / 1024, 1),
            ["worker_heap_kib"] = Math.Round(Per10k("worker_heap") / 1024, 1),
        },
        ["heap_bytes"] = new JsonObject
        {
            ["orderservice_before"] = memBefore["orderservice_heap"],
            ["orderservice_after"] = memAfter["orderservice_heap"],
            ["worker_before"] = memBefore["worker_heap"],
            ["worker_after"] = memAfter["worker_heap"],
        },
    },
};
File.WriteAllText(Path.Combine(results, "latest.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

// The Markdown summary.
string F(double? v, string format = "0.##") => v is { } x && !double.IsNaN(x) ? x.ToString(format, inv) : "–";
double? P(JsonNode step, string what, string p) => Num(step[what]?[p]);
var md = new StringBuilder();
md.AppendLine("# Benchmark results").AppendLine();
md.AppendLine($"`bench/bench.sh` on {machine.Replace("\n", "; ", StringComparison.Ordinal)}. Redis, both services and the load generator share the machine's cores.").AppendLine();
md.AppendLine("## Baselines (same run, same machine)").AppendLine();
md.AppendLine("| baseline | figure |").AppendLine("|---|---|");
md.AppendLine($"| trivial unary gRPC call (`grpc.health.v1.Health/Check` on the OrderService's Kestrel, h2load, 8 connections × 16 streams) | {h2Rps.ToString("N0", inv)} calls/s, mean {h2Mean} |");
foreach (var r in redisBench)
{
    md.AppendLine($"| redis-benchmark `{r.Test}` (50 clients) | {r.Rps.ToString("N0", inv)} requests/s, p50 {F(r.P50)} ms, p99 {F(r.P99)} ms |");
}

md.AppendLine().AppendLine("## The service: latency against offered rate").AppendLine();
md.AppendLine(
    "Each order lives its whole life: placed, routed, shown on every station's screen, bumped at each, ready, bumped at expo, completed. " +
    "The load is open loop: each order's latency counts from when it was due to be sent, so a client that falls behind its schedule shows as latency. " +
    $"The kitchen is as kitchens have it: {string.Join(", ", screens)}, and {F(Num(rates["terminals"]), "0")} POS terminals that each must hear every order completed.").AppendLine();
var balancedHeader = balanced.Count > 0 ? $" balanced {string.Join(", ", balanced)} p99 ms |" : "";
md.AppendLine($"| offered orders/s | achieved | PlaceOrder p50 / p99 ms | place → screen p50 / p90 / p99 ms |{balancedHeader} place → completed p99 ms | errors | exactly-once | objective |");
md.AppendLine($"|---:|---:|---|---|{(balanced.Count > 0 ? "---:|" : "")}---:|---|---|---|");
foreach (var s in steps)
{
    var errors = s["errors"]!.AsObject();
    md.AppendLine(
        $"| {F(Num(s["rate"]), "0")} | {F(Num(s["achieved_rate"]), "0")} | {F(P(s, "answer_ms", "p50"))} / {F(P(s, "answer_ms", "p99"))} " +
        $"| {F(P(s, "place_to_screen_ms", "p50"))} / {F(P(s, "place_to_screen_ms", "p90"))} / {F(P(s, "place_to_screen_ms", "p99"))} " +
        string.Concat(balanced.Count > 0 ? [$"| {string.Join(" / ", balanced.Select(b => F(Num(s["place_to_screen_by_station_ms"]?[b]?["p99"]))))} "] : Array.Empty<string>()) +
        $"| {F(P(s, "place_to_completed_ms", "p99"))} | {(errors.Count == 0 ? "none" : string.Join(", ", errors.Select(e => $"{e.Key} {e.Value}")))} " +
        $"| {((bool)s["invariants_ok"]! ? Late(s) : "**broken**")} | {((bool)s["held_objective"]! ? "held" : "missed")} |");
}

md.AppendLine().AppendLine("![place → screen latency against offered rate](latency.svg)").AppendLine();
md.AppendLine("## The service beside its baselines").AppendLine();
md.AppendLine("| figure | value | beside the baseline |").AppendLine("|---|---|---|");
md.AppendLine($"| highest offered rate holding place → screen p99 ≤ {objective:0} ms (of the rates tried) | {highest:0} orders/s | {highest * unaryPerOrder / h2Rps:P1} of the unary-call ceiling, at {unaryPerOrder:0.#} unary calls per order (PlaceOrder and a bump per ticket), besides the streams |");
if (at1000 is not null)
{
    md.AppendLine($"| at 1,000 orders/s: place → screen p50 / p99 | {F(P(at1000, "place_to_screen_ms", "p50"))} / {F(P(at1000, "place_to_screen_ms", "p99"))} ms | PlaceOrder answer p50 {F(P(at1000, "answer_ms", "p50"))} ms |");
}

var evalRps = redisBench.FirstOrDefault(r => r.Test.StartsWith("EVAL", StringComparison.Ordinal)).Rps;
var perOrderCommands = commands.Sum(c => c.Calls) / flowOrders;
var scriptUsec = commands.Where(c => c.Command is "evalsha" or "eval").Sum(c => c.Usec) / Math.Max(scriptCalls, 1);
md.AppendLine(
    $"| Redis time per order (`INFO commandstats`, {(sampled ? "each command counted once: a script's own commands are in its time" : "**a script's own commands counted twice: no MONITOR sample**")}) " +
    $"| {redisUsec / flowOrders:0} µs, so Redis alone saturates near {1e6 / (redisUsec / flowOrders):N0} orders/s | {scriptCalls / flowOrders:0.#} script calls per order averaging {scriptUsec:0} µs each, against {1e6 / evalRps:0} µs per request of redis-benchmark's three-command script |");
md.AppendLine($"| Redis commands per order: sent / run inside scripts | {(sampled ? $"{sentCommands / flowOrders:0.#} / {insideScripts / flowOrders:0}" : $"{perOrderCommands:0} in all")} | which is which from a MONITOR sample of the same load (`raw/monitor-sample.txt`) |");
md.AppendLine($"| Redis calls sent per order, all processes (screens and POS included) | {F(operations / flowOrders, "0.#")} | counted by each process's Redis client; a script call counts one |");
md.AppendLine(
    $"| round trips to Redis per order on the place and route path, measured | {F(roundTrips)} | PlaceOrder {F(tripsPlace / flowOrders)}, the worker's loop {F(tripsRoute / flowOrders)} (its reads, empty ones included, and each batch's route scripts sent together count one); {F(flowOrders / batches, "0.#")} orders per worker batch |");
md.AppendLine($"| the kitchen under load, per location | {screens.Count} screens, {F(Num(flow["terminals"]), "0")} POS terminals | {string.Join(", ", screens)}; each a device with its own HTTP/2 connection |");
foreach (var process in new[] { "redis", "redis_children", "orderservice", "worker" })
{
    var name = process == "redis_children" ? "Redis's AOF rewrite children" : process;
    md.AppendLine($"| CPU-seconds per 1,000 orders: {name} | {F(CpuPer1000(process), "0.00")} s | |");
}

md.AppendLine($"| CPU-seconds per 1,000 orders: the service (Redis, its rewrites, OrderService, worker) | {serviceCpuPer1000:0.00} s | {serviceCpuPer1000:0.00} CPU-ms per order |");
md.AppendLine($"| CPU-seconds per 1,000 orders: the load generator, apart | {F(CpuPer1000("loadgen"), "0.00")} s | on the same two cores, not counted in the service's |");
md.AppendLine($"| AOF rewrites during the rate steps / the flow | {F(rewritesInRates, "0")} / {F(rewritesInFlow, "0")} | {rewriteSamples} half-second samples of the rate steps found one in progress (`raw/persistence-samples.txt`) |");
md.AppendLine(
    $"| the warm-up before anything is measured | {Warmup("seconds")} s in {Warmup("rounds")} rounds of 5 s at 250 orders/s; the JIT {(Warmup("settled") == "yes" ? "settled" : "**had not settled**")} (a round under 100 ms of JIT) " +
    $"| the JIT's seconds, OrderService + worker, during the rate steps: {F(JitIn(ratesBefore, ratesAfter), "0.00")}; during the flow: {F(JitIn(cpuBefore, cpuAfter), "0.00")} (`raw/warmup.txt`) |");

md.AppendLine($"| Redis memory per 10,000 open tickets | {Per10k("redis_used_memory") / 1048576:0.0} MiB | measured over {openTickets:N0} open tickets |");
md.AppendLine(
    $"| managed heap after the last GC, before → after opening {openTickets:N0} tickets: OrderService / worker " +
    $"| {memBefore["orderservice_heap"] / 1048576:0.0} → {memAfter["orderservice_heap"] / 1048576:0.0} MiB / {memBefore["worker_heap"] / 1048576:0.0} → {memAfter["worker_heap"] / 1048576:0.0} MiB " +
    $"| {Per10k("orderservice_heap") / 1024:0} / {Per10k("worker_heap") / 1024:0} KiB per 10,000 open tickets: the services keep no ticket, only a bounded cache of 4,096 parsed ticket bodies |");
if (perStep.Any(p => p.Cpu is not null))
{
    md.AppendLine();
    md.AppendLine("CPU-milliseconds per order at each offered rate (from `/proc` samples at each step's start and end; the load generator's own from the process itself), and whether an AOF rewrite ran during the step:");
    md.AppendLine();
    md.AppendLine("| offered orders/s | service | Redis | its rewrites | OrderService | worker | load generator, apart | AOF rewrite in the step |");
    md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|");
    foreach (var p in perStep.Where(p => p.Cpu is not null))
    {
        md.AppendLine($"| {p.Rate:0} | {p.Cpu!.Sum():0.00} | {p.Cpu![0]:0.00} | {p.Cpu![1]:0.00} | {p.Cpu![2]:0.00} | {p.Cpu![3]:0.00} | {F(p.Client, "0.00")} | {(p.Rewrite ? "yes" : "no")} |");
    }

    md.AppendLine();
}

File.WriteAllText(Path.Combine(results, "latest.md"), md.ToString());

md.AppendLine().AppendLine("\"late\": tickets that exist (the order completed, or its receipts list them) but that no screen had shown when the step was judged, after waiting up to 60 s: the screens were that far behind, nothing was lost.");
// The picture: latency percentiles against offered rate.
var model = new PlotModel { Title = "place → ticket on screen, by offered rate", Background = OxyColors.White, DefaultFont = "Arial" };
model.Legends.Add(new Legend { LegendPosition = LegendPosition.LeftTop, LegendLineSpacing = 4, LegendBackground = OxyColors.White, LegendFontSize = 11 });
model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "offered orders per second", Minimum = 0, MajorGridlineStyle = LineStyle.Dot });
model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Left, Title = "latency (ms)", MajorGridlineStyle = LineStyle.Dot });
foreach (var (what, p, title) in new[]
{
    ("place_to_screen_ms", "p50", "place → screen p50"),
    ("place_to_screen_ms", "p99", "place → screen p99"),
    ("answer_ms", "p99", "PlaceOrder answer p99"),
})
{
    var series = new LineSeries { Title = title, MarkerType = MarkerType.Circle };
    foreach (var s in steps)
    {
        if (P(s, what, p) is { } ms && ms > 0)
        {
            series.Points.Add(new DataPoint((double)s["rate"]!, ms));
        }
    }

    model.Series.Add(series);
}

var line = new LineSeries { Title = $"objective {objective:0} ms", LineStyle = LineStyle.Dash, Color = OxyColors.Red };
line.Points.Add(new DataPoint(0, objective));
line.Points.Add(new DataPoint(steps.Max(s => (double)s["rate"]!), objective));
model.Series.Add(line);
using (var svg = File.Create(Path.Combine(results, "latency.svg")))
{
    new SvgExporter { Width = 800, Height = 450, UseVerticalTextAlignmentWorkaround = true }.Export(model, svg);
}

Console.WriteLine(md.ToString());
return 0;

string Warmup(string field)
{
    var line = File.Exists(Path.Combine(raw, "warmup.txt"))
        ? Text("warmup.txt").Split('\n').LastOrDefault(l => l.StartsWith("warmup rounds ", StringComparison.Ordinal))
        : null;
    var words = line?.Split(' ') ?? [];
    var at = Array.IndexOf(words, field);
    return at >= 0 && at + 1 < words.Length ? words[at + 1] : "?";
}

double? JitIn(Dictionary<string, double> before, Dictionary<string, double> after) =>
    Delta(before, after, "jit_orderservice") is { } o && Delta(before, after, "jit_worker") is { } w ? o + w : null;

static string Late(JsonNode step) => step["late_tickets"] is { } late && (int)late > 0 ? $"ok ({(int)late} late)" : "ok";
