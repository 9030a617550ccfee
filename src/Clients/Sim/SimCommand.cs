using System.ComponentModel;
using System.Diagnostics;
using Grpc.Core;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Restaurant.Clients.Sim;

public sealed class SimSettings : ServerSettings
{
    [CommandOption("--terminals <N>")]
    [Description("POS terminals placing orders (default 4).")]
    public int Terminals { get; init; } = 4;

    [CommandOption("--rate <PER_SECOND>")]
    [Description("Orders per second, all terminals together (default 1).")]
    public double Rate { get; init; } = 1;

    [CommandOption("--duration <SECONDS>")]
    [Description("How long terminals place orders (default 300, at most 86400).")]
    public int Duration { get; init; } = 300;

    [CommandOption("--orders <N>")]
    [Description("Stop after this many orders (default 10000, at most 1000000).")]
    public int Orders { get; init; } = 10_000;

    [CommandOption("--speed <FACTOR>")]
    [Description("Cooks take prep time × this factor (default 0.05: a 12-minute steak takes 36 s).")]
    public double Speed { get; init; } = 0.05;

    [CommandOption("--specials <N>")]
    [Description("Count two dishes as tonight's specials with N each (default 30; 0 for none); uncounted again at the end.")]
    public int Specials { get; init; } = 30;

    [CommandOption("--no-cooks")]
    [Description("Only place orders; nobody bumps.")]
    public bool NoCooks { get; init; }

    public override ValidationResult Validate()
    {
        if (Terminals is < 1 or > 1000)
        {
            return ValidationResult.Error("--terminals must be 1 to 1000");
        }

        if (Rate is <= 0 or > 100_000 || Duration is < 1 or > 86_400 || Orders is < 1 or > 1_000_000 || Speed is < 0 or > 10)
        {
            return ValidationResult.Error("--rate, --duration, --orders or --speed is out of range (see --help)");
        }

        return base.Validate();
    }
}

/// <summary>
/// A rush in a box: terminals place realistic random orders at a fixed rate, a cook at every station
/// bumps each ticket after its longest item's prep time, and expo sends every ready order out.
/// </summary>
public sealed class SimCommand : AsyncCommand<SimSettings>
{
    private static readonly string[] Notes = ["table 4", "birthday: candle please", "rush it", "kids portion", "to go"];

    public override Task<int> ExecuteAsync(CommandContext context, SimSettings settings, CancellationToken cancellationToken) =>
        Connection.RunAsync(async () =>
        {
            using var connection = new Connection(settings);
            var menu = await connection.Menu.GetMenuAsync(new GetMenuRequest { LocationId = settings.Location }, cancellationToken: cancellationToken);
            var stats = new Stats();
            var specials = menu.Items.Where(i => i.Category == "Mains").Take(settings.Specials > 0 ? 2 : 0).Select(i => i.MenuItemId).ToList();
            foreach (var special in specials)
            {
                await connection.Menu.SetItemAvailabilityAsync(
                    new SetItemAvailabilityRequest { LocationId = settings.Location, MenuItemId = special, Available = true, Remaining = settings.Specials },
                    cancellationToken: cancellationToken);
            }

            using var kitchenStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var kitchen = settings.NoCooks ? [] : StartKitchen(connection, menu, settings, stats, kitchenStop.Token);

            AnsiConsole.MarkupLineInterpolated(
                $"[bold]Rush at {menu.LocationName}[/]: {settings.Terminals} terminals, {settings.Rate:0.##} orders/s for {settings.Duration} s (at most {settings.Orders} orders); Ctrl-C to stop");
            using var placing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            placing.CancelAfter(TimeSpan.FromSeconds(settings.Duration));
            var terminals = Enumerable.Range(0, settings.Terminals)
                .Select(i => RunTerminalAsync(connection, menu, settings, stats, new Random(Environment.TickCount + i * 7919), placing.Token))
                .ToList();
            var reporter = ReportAsync(stats, kitchenStop.Token);
            await Task.WhenAll(terminals);

            // Let the kitchen finish what was placed, for a bounded while.
            var grace = TimeSpan.FromSeconds(menu.Items.Max(i => i.PrepSeconds) * settings.Speed + 10);
            var deadline = Stopwatch.StartNew();
            while (!settings.NoCooks && !cancellationToken.IsCancellationRequested && stats.Completed + stats.Cancelled < stats.Placed && deadline.Elapsed < grace)
            {
                await Task.Delay(200, CancellationToken.None);
            }

            await kitchenStop.CancelAsync();
            await Task.WhenAll(kitchen.Append(reporter).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            foreach (var special in specials)
            {
                await connection.Menu.SetItemAvailabilityAsync(
                    new SetItemAvailabilityRequest { LocationId = settings.Location, MenuItemId = special, Available = true, Remaining = -1 }, cancellationToken: CancellationToken.None);
            }

            AnsiConsole.WriteLine();
            AnsiConsole.MarkupLine($"[bold]done[/]: {stats.Line()}");
            return stats.Errors == 0 ? 0 : 1;
        });

    private static async Task RunTerminalAsync(Connection connection, GetMenuResponse menu, SimSettings settings, Stats stats, Random random, CancellationToken cancellationToken)
    {
        var perTerminal = settings.Rate / settings.Terminals;
        var next = Stopwatch.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested && Interlocked.Increment(ref stats.Started) <= settings.Orders)
        {
            // Open loop: the next order is due at a fixed (random, exponential) time, however slow the last answer was.
            next += (long)(-Math.Log(1 - random.NextDouble()) / perTerminal * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var request = RandomOrder(connection.Location, menu, random);
            try
            {
                await connection.Orders.PlaceOrderAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
                Interlocked.Increment(ref stats.Placed);
                if (random.NextDouble() < 0.05)
                {
                    _ = ChangeLaterAsync(connection, menu, request, stats, new Random(random.Next()), cancellationToken);
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
            {
                Interlocked.Increment(ref stats.SoldOut);
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
            {
                Interlocked.Increment(ref stats.Errors);
                stats.LastError = $"{ex.StatusCode}: {ex.Status.Detail}";
            }
        }
    }

    /// <summary>A table that orders another round, or sends a dish back, a little after ordering.</summary>
    private static async Task ChangeLaterAsync(Connection connection, GetMenuResponse menu, PlaceOrderRequest placed, Stats stats, Random random, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1 + random.Next(3)), cancellationToken);
            if (random.NextDouble() < 0.7)
            {
                var round = new AddItemsRequest { LocationId = placed.LocationId, OrderId = placed.OrderId, RoundId = Guid.NewGuid().ToString() };
                round.Lines.Add(new OrderLine { MenuItemId = menu.Items.Where(i => i.Category == "Drinks").OrderBy(_ => random.Next()).First().MenuItemId, Quantity = 1 });
                await connection.Orders.AddItemsAsync(round, cancellationToken: cancellationToken);
                Interlocked.Increment(ref stats.Rounds);
            }
            else
            {
                var voiding = new VoidItemsRequest { LocationId = placed.LocationId, OrderId = placed.OrderId };
                voiding.LineIndexes.Add(random.Next(placed.Lines.Count));
                await connection.Orders.VoidItemsAsync(voiding, cancellationToken: cancellationToken);
                Interlocked.Increment(ref stats.Voids);
            }
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.FailedPrecondition or StatusCode.Cancelled)
        {
            // Already out of the kitchen, or the rush is over.
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static PlaceOrderRequest RandomOrder(string location, GetMenuResponse menu, Random random)
    {
        var request = new PlaceOrderRequest { LocationId = location, OrderId = Guid.NewGuid().ToString(), Rush = random.NextDouble() < 0.05 };
        var allergies = menu.Modifiers.Where(m => m.Allergy && m.AnyItem).Select(m => m.Name).ToList();
        var lines = 1 + random.Next(4);
        foreach (var item in menu.Items.Where(i => i.Available).OrderBy(_ => random.Next()).Take(lines))
        {
            var line = new OrderLine { MenuItemId = item.MenuItemId, Quantity = random.NextDouble() < 0.7 ? 1 : 2 + random.Next(3) };
            if (item.Modifiers.Count > 0 && random.NextDouble() < 0.3)
            {
                line.Modifiers.Add(item.Modifiers[random.Next(item.Modifiers.Count)]);
            }

            if (allergies.Count > 0 && random.NextDouble() < 0.03)
            {
                line.Modifiers.Add(allergies[random.Next(allergies.Count)]);
            }

            if (random.NextDouble() < 0.08)
            {
                line.Note = Notes[random.Next(Notes.Length)];
            }

            // A sit-down table has its desserts as a second course, fired when the mains are done.
            if (item.Category == "Desserts" && lines > 1)
            {
                line.Course = 2;
            }

            request.Lines.Add(line);
        }

        return request;
    }

    private static List<Task> StartKitchen(Connection connection, GetMenuResponse menu, SimSettings settings, Stats stats, CancellationToken cancellationToken)
    {
        var tasks = new List<Task>();
        foreach (var station in menu.Stations.Where(s => !s.IsExpo))
        {
            var cook = new Cook(connection, station.StationId, settings.Speed, stats, cancellationToken);
            tasks.Add(new StationFeed(connection, station.StationId, cook).RunAsync(cancellationToken));
        }

        var expo = menu.Stations.First(s => s.IsExpo);
        tasks.Add(RunExpoAsync(connection, expo.StationId, stats, cancellationToken));
        return tasks;
    }

    /// <summary>
    /// Expo sends an order out as soon as it is ready. When the stream ends or the service is away it
    /// comes back with a growing pause (a quarter second, doubling to five), not in a tight loop.
    /// </summary>
    private static async Task RunExpoAsync(Connection connection, string expo, Stats stats, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = connection.Orders.WatchOrders(new WatchOrdersRequest { LocationId = connection.Location }, cancellationToken: cancellationToken);
                await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    backoff = TimeSpan.FromMilliseconds(250);
                    switch (change.Order.Status)
                    {
                        case OrderStatus.Ready:
                            Interlocked.Increment(ref stats.Ready);
                            _ = BumpAsync(connection, expo, $"{change.Order.OrderId}:{expo}", stats, cancellationToken);
                            break;
                        case OrderStatus.Completed:
                            Interlocked.Increment(ref stats.Completed);
                            break;
                        case OrderStatus.Cancelled:
                            Interlocked.Increment(ref stats.Cancelled);
                            break;
                    }
                }
            }
            catch (RpcException) when (!cancellationToken.IsCancellationRequested)
            {
                // Away or restarting: pause below, then come back.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await Task.Delay(backoff, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5000));
        }
    }

    internal static async Task BumpAsync(Connection connection, string station, string ticketId, Stats stats, CancellationToken cancellationToken)
    {
        try
        {
            await connection.Kitchen.BumpTicketAsync(
                new BumpTicketRequest { LocationId = connection.Location, StationId = station, TicketId = ticketId },
                deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
            Interlocked.Increment(ref stats.Bumped);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
        {
            // Voided meanwhile: nothing to cook.
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            Interlocked.Increment(ref stats.Errors);
            stats.LastError = $"bump: {ex.StatusCode}: {ex.Status.Detail}";
        }
    }

    private static async Task ReportAsync(Stats stats, CancellationToken cancellationToken)
    {
        var interactive = !Console.IsOutputRedirected;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(interactive ? 0.5 : 5), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (interactive)
            {
                Console.Write("\r" + stats.Line().PadRight(Math.Max(0, Console.WindowWidth - 1)));
            }
            else
            {
                Console.WriteLine(stats.Line());
            }
        }
    }

    /// <summary>A cook at one station: bumps each ticket once its longest item is done.</summary>
    private sealed class Cook(Connection connection, string station, double speed, Stats stats, CancellationToken cancellationToken) : IStationView
    {
        private readonly HashSet<string> _cooking = [];

        public void Reset()
        {
        }

        public void Apply(StationEvent change)
        {
            if (change.EventCase != StationEvent.EventOneofCase.TicketAdded)
            {
                return;
            }

            var ticket = change.TicketAdded;
            lock (_cooking)
            {
                if (!_cooking.Add(ticket.TicketId))
                {
                    return;
                }
            }

            Interlocked.Increment(ref stats.Tickets);
            var prep = TimeSpan.FromSeconds(ticket.Items.Max(i => i.PrepSeconds) * speed);
            _ = Task.Delay(prep, cancellationToken).ContinueWith(
                async _ =>
                {
                    await BumpAsync(connection, station, ticket.TicketId, stats, cancellationToken);
                    lock (_cooking)
                    {
                        _cooking.Remove(ticket.TicketId);
                    }
                },
                cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    internal sealed class Stats
    {
        public int Started;
        public int Placed;
        public int SoldOut;
        public int Errors;
        public int Tickets;
        public int Bumped;
        public int Ready;
        public int Completed;
        public int Cancelled;
        public int Rounds;
        public int Voids;
        public string? LastError;

        public string Line() =>
            $"placed {Placed}  tickets {Tickets}  open {Math.Max(0, Tickets + Ready - Bumped)}  bumped {Bumped}  ready {Ready}  completed {Completed}" +
            (Rounds + Voids > 0 ? $"  rounds {Rounds}  voids {Voids}" : "") +
            (SoldOut > 0 ? $"  86'd {SoldOut}" : "") + (Errors > 0 ? $"  errors {Errors} (last: {LastError})" : "");
    }
}
