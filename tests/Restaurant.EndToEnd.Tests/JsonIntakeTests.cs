using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Restaurant.Contracts.V1;
using Restaurant.Testing;

namespace Restaurant.EndToEnd.Tests;

/// <summary>
/// A kiosk developer's first order: curl, plain HTTP/1.1 (no --http2), JSON, against the real
/// OrderService and KitchenWorker processes, on the JSON port beside gRPC's HTTP/2 one.
/// </summary>
public sealed class JsonIntakeTests
{
    private static async Task<(int Exit, string Out, string Err)> CurlAsync(params string[] args)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var curl = Process.Start(info)!;
        var output = curl.StandardOutput.ReadToEndAsync();
        var error = curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (curl.ExitCode, await output, await error);
    }

    [Fact]
    public async Task AnOrderFromCurlOverHttp11ReachesTheKitchenAndReadsBack()
    {
        await using var deployment = await Deployment.StartAsync();
        var json = RedisServer.FreePort();
        await deployment.StartOrderServiceAsync(settings: new Dictionary<string, string> { ["Restaurant__Json__Urls"] = $"http://127.0.0.1:{json}" });
        deployment.StartWorker("worker-a");
        var site = $"http://127.0.0.1:{json}";
        var orderId = Guid.NewGuid().ToString();

        var (exit, output, error) = await CurlAsync(
            "--silent", "--show-error", "--http1.1", "--write-out", "\n%{http_code} %{http_version}",
            "-H", $"authorization: Bearer {TestDevices.DemoPos}", "-H", "content-type: application/json",
            "-d", $$"""{"orderId": "{{orderId}}", "lines": [{"menuItemId": "classic-burger", "quantity": 1, "modifiers": ["no onion"]}]}""",
            $"{site}/v1/locations/demo/orders");

        Assert.True(exit == 0, $"curl: {error}\n{deployment.Logs}");
        var (body, status) = (output[..output.LastIndexOf('\n')], output[(output.LastIndexOf('\n') + 1)..]);
        Assert.Equal("200 1.1", status);
        Assert.Equal("ORDER_STATUS_ACCEPTED", (string?)JsonNode.Parse(body)!["order"]!["status"]);

        // Over gRPC the same order is in the kitchen; over JSON its tickets read back.
        await Eventually.WaitForAsync(
            async () => (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = "demo", OrderId = orderId })).Order.Status == OrderStatus.InKitchen,
            TimeSpan.FromSeconds(15),
            "the curl order in the kitchen");
        var read = await CurlAsync("--silent", "--http1.1", "-H", $"authorization: Bearer {TestDevices.DemoPos}", $"{site}/v1/locations/demo/orders/{orderId}");
        Assert.Contains($"{orderId}:grill", read.Out);

        var refused = await CurlAsync("--silent", "--http1.1", "--write-out", "\n%{http_code}", $"{site}/v1/locations/demo/menu");
        Assert.EndsWith("\n401", refused.Out);
    }

    [Fact]
    public async Task ADeliveryOrderWaitingForAcceptanceIsListedAndAcceptedFromThePosConsole()
    {
        const string secret = "end-to-end-deliveroo-secret-01";
        await using var deployment = await Deployment.StartAsync();
        var json = RedisServer.FreePort();
        await deployment.StartOrderServiceAsync(settings: new Dictionary<string, string>
        {
            ["Restaurant__Json__Urls"] = $"http://127.0.0.1:{json}",
            ["Restaurant__Delivery__Platforms__deliveroo__Secret"] = secret,
            ["Restaurant__Delivery__Platforms__deliveroo__SignatureHeader"] = "X-Deliveroo-Hmac-Sha256",
        });
        deployment.StartWorker("worker-a");

        // The demo takes Deliveroo's orders by hand (data/locations/demo.json).
        var body = $$"""{"id": "DR-{{Guid.NewGuid():N}}", "guest": "Ana P.", "items": [{"id": "dr-1001", "modifiers": ["no onion"]}, {"id": "dr-1002"}]}""";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
        var (exit, output, error) = await CurlAsync(
            "--silent", "--show-error", "--http1.1", "-H", $"X-Deliveroo-Hmac-Sha256: {signature}", "-H", "content-type: application/json",
            "-d", body, $"http://127.0.0.1:{json}/v1/locations/demo/deliveries/deliveroo");
        Assert.True(exit == 0, $"curl: {error}\n{deployment.Logs}");
        var answer = JsonNode.Parse(output)!;
        Assert.Equal("AWAITING_ACCEPTANCE", (string?)answer["status"]);
        var orderId = (string)answer["order_id"]!;

        var pending = await PosAsync(deployment, "pending");
        Assert.Contains(orderId, pending);
        Assert.Contains("DELIVEROO · Ana P.", pending);
        Assert.Equal(OrderStatus.AwaitingAcceptance, (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = "demo", OrderId = orderId })).Order.Status);

        var accepted = await PosAsync(deployment, "accept", orderId);
        Assert.Contains("ACCEPTED", accepted);
        await Eventually.WaitForAsync(
            async () => (await deployment.Orders.GetOrderAsync(new GetOrderRequest { LocationId = "demo", OrderId = orderId })).Order.Status == OrderStatus.InKitchen,
            TimeSpan.FromSeconds(15),
            "the accepted delivery order in the kitchen");
        Assert.DoesNotContain(orderId, await PosAsync(deployment, "pending"));
    }

    /// <summary>`restaurant pos …` as a POS terminal's user runs it, as the demo's POS; its output once it has ended.</summary>
    private static async Task<string> PosAsync(Deployment deployment, params string[] args)
    {
        using var pos = ServiceProcess.StartClient(
            "pos", ["pos", .. args, "--server", $"http://127.0.0.1:{deployment.Port}", "--token", TestDevices.DemoPos, "--location", "demo"]);
        var code = await pos.ExitCodeAsync(TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"pos {string.Join(' ', args)} exited {code}:\n{pos.Log}");
        return pos.Log;
    }
}
