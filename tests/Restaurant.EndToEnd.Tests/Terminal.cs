using Grpc.Core;
using Restaurant.Contracts.V1;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

/// <summary>A POS terminal in the fault tests: random orders, and the same order again when the service is away.</summary>
public static class Terminal
{
    public static PlaceOrderRequest RandomOrder(GetMenuResponse menu, Random random, string location = "demo") =>
        Order(location, menu.Items.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).Select(item => Line(item.MenuItemId)).ToArray());

    /// <summary>Places an order as a POS does: on UNAVAILABLE or a deadline it sends the same order again, a moment later.</summary>
    public static async Task PlaceUntilAcceptedAsync(Orders.OrdersClient orders, PlaceOrderRequest request, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                await orders.PlaceOrderAsync(request, deadline: DateTime.UtcNow.AddSeconds(4));
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
