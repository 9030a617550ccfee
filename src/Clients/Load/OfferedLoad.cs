using System.Diagnostics;
using Grpc.Core;
using Restaurant.Clients.Common;
using Restaurant.Contracts.V1;
namespace Restaurant.Clients.Load;

/// <summary>The offered load: orders sent on their schedule (open loop: each at its due time, whatever came of the ones before), each a random order from the menu.</summary>
internal static class OfferedLoad
{
    internal static async Task OfferAsync(Connection connection, LoadSettings settings, Run run, Phase phase, Random random, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var start = Stopwatch.GetTimestamp();
        var sends = new List<Task>();
        for (var i = 0; i < settings.Orders; i++)
        {
            var due = TimeSpan.FromSeconds(i / phase.Rate);
            if (due >= TimeSpan.FromSeconds(settings.Duration))
            {
                break;
            }

            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken);
            }

            // Each order is timed from when it was due, so a client that fell behind its schedule shows as latency.
            var site = run.Sites[i % run.Sites.Count];
            var terminal = site.Terminals[i / run.Sites.Count % site.Terminals.Length];
            var scheduled = start + (long)(due.TotalSeconds * Stopwatch.Frequency);
            sends.Add(PlaceAsync(terminal, site, RandomOrder(site.Location, site.Menu, random), run, phase, scheduled, cancellationToken));
        }

        await Task.WhenAll(sends);
        phase.OfferedFor = clock.Elapsed;
        var drained = Stopwatch.StartNew();
        while (!phase.Settled() && drained.Elapsed < TimeSpan.FromSeconds(settings.Drain))
        {
            await Task.Delay(20, cancellationToken);
        }

        await phase.ClassifyUnseenAsync(connection, cancellationToken);
    }

    internal static async Task PlaceAsync(Connection connection, Site site, PlaceOrderRequest request, Run run, Phase phase, long sent, CancellationToken cancellationToken)
    {
        var order = new Tracked(site, phase, sent, site.ViewsOf(request.Lines.Select(l => site.StationOf[l.MenuItemId]).Append(site.Expo)));
        run.Orders[request.OrderId] = order;
        phase.Offered++;
        try
        {
            await connection.Orders.PlaceOrderAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
            phase.Answer.Record(LoadRun.Micros(sent));
            phase.Acknowledged[request.OrderId] = order;
        }
        catch (RpcException ex)
        {
            phase.Errors.AddOrUpdate(ex.StatusCode, 1, (_, n) => n + 1);
        }
    }



    internal static PlaceOrderRequest RandomOrder(string location, GetMenuResponse menu, Random random)
    {
        var request = new PlaceOrderRequest { LocationId = location, OrderId = Guid.NewGuid().ToString() };
        foreach (var item in menu.Items.Where(i => i.Available).OrderBy(_ => random.Next()).Take(1 + random.Next(4)))
        {
            request.Lines.Add(new OrderLine { MenuItemId = item.MenuItemId, Quantity = 1 + random.Next(2) });
        }

        return request;
    }
}
