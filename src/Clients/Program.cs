using Restaurant.Clients.Chain;
using Restaurant.Clients.Device;
using Restaurant.Clients.Kds;
using Restaurant.Clients.Load;
using Restaurant.Clients.Manager;
using Restaurant.Clients.Pos;
using Restaurant.Clients.Sim;
using Spectre.Console.Cli;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("restaurant");
    config.AddBranch("pos", pos =>
    {
        pos.SetDescription("A POS terminal: show the menu, place, read, cancel and watch orders.");
        pos.AddCommand<MenuCommand>("menu").WithDescription("Show the location's menu and what is 86'd.");
        pos.AddCommand<PlaceCommand>("place").WithDescription("Place an order: ITEM or ITEM*QTY, e.g. classic-burger*2 french-fries.")
            .WithExample("pos", "place", "classic-burger*2", "french-fries", "-m", "classic-burger=no onion", "--watch")
            .WithExample("pos", "place", "margherita", "--guest", "Sam K.", "--pickup", "18:30");
        pos.AddCommand<InteractiveCommand>("new").WithDescription("Build an order interactively from the menu and place it.");
        pos.AddCommand<GetCommand>("get").WithDescription("Show one order.");
        pos.AddCommand<CancelCommand>("cancel").WithDescription("Cancel an order; its tickets leave the screens as voided.");
        pos.AddCommand<PendingCommand>("pending").WithDescription("Orders not yet in the kitchen: delivery orders awaiting acceptance, and orders placed for later.");
        pos.AddCommand<AcceptCommand>("accept").WithDescription("Accept a delivery order awaiting acceptance: it goes to the kitchen.");
        pos.AddCommand<DenyCommand>("deny").WithDescription("Deny a delivery order awaiting acceptance, with the reason the guest is told.")
            .WithExample("pos", "deny", "3f2b…", "--reason", "kitchen closing");
        pos.AddCommand<WatchCommand>("watch").WithDescription("Follow the status of one order, or of every order of the location.");
        pos.AddCommand<AvailabilityCommand>("86").WithDescription("Mark an item sold out (86), back with --back, or counted with --count N.");
        pos.AddCommand<RushCommand>("rush").WithDescription("Mark an open order rush (or --off).");
        pos.AddCommand<FireCommand>("fire").WithDescription("Fire a held course of an order.");
        pos.AddCommand<AddCommand>("add").WithDescription("Add a round to an open order: pos add --to ORDER_ID ITEM[*QTY][@COURSE]...");
        pos.AddCommand<VoidCommand>("void").WithDescription("Void lines of an open order by number (from `pos get`).");
        pos.AddCommand<ReportCommand>("report").WithDescription("Speed of service: ticket times per station and hour, order times.");
        pos.AddCommand<ExplainCommand>("explain").WithDescription("Show which station each line and modifier would go to, and why, without placing.")
            .WithExample("pos", "explain", "classic-burger", "-m", "classic-burger=side salad");
    });
    config.AddCommand<IncidentsCommand>("incidents").WithDescription("What went wrong at a location: the last day's incidents, live with --watch, acknowledge with --ack ID.")
        .WithExample("incidents", "--watch", "--token", "MANAGER_TOKEN");
    config.AddCommand<KdsCommand>("kds").WithDescription("A live kitchen screen for one station: bump and recall with the keyboard.")
        .WithExample("kds", "--station", "grill");
    config.AddCommand<DeviceCommand>("device").WithDescription("Provision a device: a new token, and its entry (hash only) for the devices file.")
        .WithExample("device", "--id", "grill-left", "--role", "kitchen", "--station", "grill");
    config.AddCommand<LoadCommand>("loadgen").WithDescription("Load generator: a fixed offered rate, screens that bump at once, latencies and the exactly-once check.")
        .WithExample("loadgen", "--rate", "500", "--duration", "20");
    config.AddCommand<ChainCommand>("chain").WithDescription("Generate a chain's location files from one location (for tests, load runs and demos).")
        .WithExample("chain", "--count", "50", "--out", "data/chain");
    config.AddCommand<SimCommand>("sim").WithDescription("A rush simulator: POS terminals placing random orders and cooks bumping them.")
        .WithExample("sim", "--terminals", "4", "--rate", "2", "--duration", "120");
});
return await app.RunAsync(args, stop.Token);
