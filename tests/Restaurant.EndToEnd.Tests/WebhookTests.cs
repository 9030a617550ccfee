using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using StackExchange.Redis;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// Status webhooks against a loopback receiver: every status change of every order arrives signed,
/// at least once and in order per order, while the receiver refuses for a while and the worker that
/// was sending is killed and another takes over.
/// </summary>
public sealed class WebhookTests
{
    private const string Secret = "test-webhook-secret-0123456789";

    /// <summary>A subscriber on a loopback port: notes what it is sent; refuses the first <see cref="Refuse"/> deliveries, and every one while <see cref="Down"/>.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private int _refused;

        public Receiver(int port)
        {
            Url = $"http://127.0.0.1:{port}/hooks/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public int Refuse { get; set; }

        public volatile bool Down;

        private int _downRefused;

        /// <summary>How many deliveries were refused while down.</summary>
        public int DownRefused => Volatile.Read(ref _downRefused);

        public int Refused => Volatile.Read(ref _refused);

        public ConcurrentQueue<(string EventId, string OrderId, string Status, bool Signed)> Received { get; } = new();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                if (Interlocked.Increment(ref _refused) <= Refuse || Down)
                {
                    if (Down)
                    {
                        Interlocked.Increment(ref _downRefused);
                    }

                    context.Response.StatusCode = 503;
                    context.Response.Close();
                    continue;
                }

                var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body.ToArray()));
                var json = JsonNode.Parse(body.ToArray())!;
                Received.Enqueue(((string)json["event_id"]!, (string)json["order_id"]!, (string)json["status"]!, context.Request.Headers["X-Restaurant-Signature"] == expected));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }

    [Fact]
    public async Task EveryStatusChangeOf200OrdersReachesTheSubscriberSignedInOrderThroughAnOutageAndAKilledWorker()
    {
        await using var deployment = await Deployment.StartAsync();
        using var receiver = new Receiver(RedisServer.FreePort()) { Refuse = 5 };
        var hooks = new Dictionary<string, string>
        {
            ["Restaurant__Webhooks__Subscribers__pager__Url"] = receiver.Url,
            ["Restaurant__Webhooks__Subscribers__pager__Secret"] = Secret,
            ["Restaurant__Webhooks__RetryFirst"] = "00:00:00.200",
            ["Restaurant__Webhooks__RetryMost"] = "00:00:01",
            ["Restaurant__Webhooks__ClaimIdle"] = "00:00:01",
        };
        await deployment.StartOrderServiceAsync();
        var first = deployment.StartWorker("worker-a", settings: hooks);
        var db = deployment.Mux.GetDatabase();
        await Eventually.WaitForAsync(
            async () => await db.KeyExistsAsync("rst:{demo}:order-events")
                && (await db.StreamGroupInfoAsync("rst:{demo}:order-events")).Any(g => g.Name == "webhook:pager"),
            TimeSpan.FromSeconds(30),
            "the subscriber's outbox at demo");

        var orders = new List<(string OrderId, string[] Expected)>();
        for (var i = 0; i < 200; i++)
        {
            var order = Order("demo", Line(i % 2 == 0 ? "classic-burger" : "french-fries"));
            await deployment.Orders.PlaceOrderAsync(order);
            orders.Add((order.OrderId, i % 4 == 0 ? ["ACCEPTED", "IN_KITCHEN", "CANCELLED"] : ["ACCEPTED", "IN_KITCHEN"]));
            // The receiver is down for a while (a pager service restarting): every delivery meanwhile is
            // refused, and it comes back only once it has refused several, retries among them.
            if (i == 60)
            {
                receiver.Down = true;
            }

            if (i == 120)
            {
                await Eventually.WaitForAsync(() => Task.FromResult(receiver.DownRefused >= 4), TimeSpan.FromSeconds(30), "the receiver to refuse deliveries while down");
                receiver.Down = false;
            }

            if (i == 100)
            {
                // The sending worker dies with deliveries in hand; another takes its locations and its pending events.
                first.Kill();
                deployment.StartWorker("worker-b", settings: hooks);
            }
        }

        foreach (var (orderId, expected) in orders)
        {
            await Eventually.WaitForAsync(
                async () => (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = "demo", OrderId = orderId })).Order.Status != OrderStatus.Accepted,
                TimeSpan.FromSeconds(30),
                $"order {orderId} in the kitchen");
            if (expected.Length == 3)
            {
                await deployment.Orders.CancelOrderAsync(new CancelOrderRequest { LocationId = "demo", OrderId = orderId });
            }
        }

        Dictionary<string, List<string>> Heard() => receiver.Received
            .GroupBy(r => r.EventId).Select(g => g.First())
            .GroupBy(r => r.OrderId).ToDictionary(g => g.Key, g => g.Select(r => r.Status).ToList());
        await Eventually.WaitForAsync(
            () => Task.FromResult(orders.All(o => Heard().GetValueOrDefault(o.OrderId)?.Count >= o.Expected.Length)),
            TimeSpan.FromSeconds(60),
            $"every status change at the receiver\n{deployment.Logs}");

        var heard = Heard();
        Assert.All(orders, o => Assert.Equal(o.Expected, heard[o.OrderId]));
        Assert.All(receiver.Received, r => Assert.True(r.Signed, $"event {r.EventId} carries the HMAC of its body"));
        Assert.True(receiver.DownRefused >= 4, "deliveries were refused while the receiver was down, and sent again after");
        var log = await db.StreamRangeAsync("rst:{demo}:webhook-log");
        Assert.Contains(log, e => e["outcome"] == "HTTP 503");

        // The manager reads the same log through the API: the refusals, then a healthy subscriber.
        var report = await new Reports.ReportsClient(deployment.Invoker).ListWebhookDeliveriesAsync(
            new ListWebhookDeliveriesRequest { LocationId = "demo", Subscriber = "pager", Limit = 1000 });
        Assert.Contains(report.Deliveries, d => d.Outcome == "HTTP 503" && d.Attempt >= 1);
        Assert.Contains(report.Deliveries, d => d.Outcome == "delivered" && d.Status == OrderStatus.Cancelled);
        var health = Assert.Single(report.Subscribers);
        Assert.Equal(("pager", "delivered", 0), (health.Subscriber, health.LastOutcome, health.FailuresInARow));
    }
}
