using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Restaurant.Core.Redis;
using Restaurant.Domain;
using Restaurant.Domain.Locations;

namespace Restaurant.OrderService.Deliveries;

/// <summary>
/// <c>POST /v1/locations/{location_id}/deliveries/{platform}</c>: a delivery platform's order, signed
/// as platforms sign theirs (an HMAC-SHA256 of the raw body with the platform's secret, checked in
/// constant time before anything is parsed). It goes through the same validation, idempotency and
/// place script as a POS's order: the order id is derived from (location, platform, the platform's
/// order id), so a platform that resends until it gets a 200 gets the same order. An order the
/// kitchen cannot take (an unknown item, 86'd, a count run short, a closed location) is answered 200
/// with <c>accepted: false</c> and the reason, so the platform stops resending and tells the guest.
/// A platform the location accepts by hand gets <c>status: AWAITING_ACCEPTANCE</c> with the moment
/// it is denied by itself; the outcome follows as a status webhook, and a resend answers it too.
/// </summary>
public static class DeliveryEndpoints
{
    /// <summary>Platforms post small orders; anything bigger is refused before it is read whole.</summary>
    private const int MaxBody = 256 * 1024;

    public static IEndpointRouteBuilder MapDeliveries(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/locations/{location_id}/deliveries/{platform}", TakeAsync)
            .WithTags("Deliveries")
            .WithSummary("A delivery platform's order, signed with an HMAC-SHA256 of its body in the platform's header; answered accepted, or denied with the reason.")
            .Accepts<DeliveryOrder>("application/json")
            .Produces<DeliveryAnswer>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<IResult> TakeAsync(
        string location_id, string platform, HttpRequest request, IOptionsMonitor<DeliveryOptions> options, OrderStore orders, MenuStore menus, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Platforms.TryGetValue(platform, out var signing) || signing.Secret.Length == 0)
        {
            return Status(StatusCodes.Status404NotFound, 5, $"delivery platform '{OrderValidator.Shorten(platform)}' is not known here");
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return Status(StatusCodes.Status413PayloadTooLarge, 8, $"a delivery order is at most {MaxBody / 1024} KiB");
        }

        if (!Signed(body, request.Headers[signing.SignatureHeader].ToString(), signing.Secret))
        {
            return Status(StatusCodes.Status401Unauthorized, 16, $"the {signing.SignatureHeader} header is missing or is not the HMAC-SHA256 of the body with {platform}'s secret");
        }

        DeliveryOrder? order;
        try
        {
            order = JsonSerializer.Deserialize(body, DeliveryJson.Default.DeliveryOrder);
        }
        catch (JsonException ex)
        {
            return Status(StatusCodes.Status400BadRequest, 3, $"the body is not a delivery order: {OrderValidator.Shorten(ex.Message)}");
        }

        try
        {
            OrderValidator.RequireId(location_id, "location_id");
            var (id, lines, guest) = Read(order);
            var now = clock.GetUtcNow();
            OrderValidator.ValidatePickup(order!.PickupAt, now);
            var definition = (await menus.GetMenuAsync(location_id, cancellationToken)).Location;
            if (!definition.DeliveryPlatforms.TryGetValue(platform, out var mapping))
            {
                return Status(StatusCodes.Status404NotFound, 5, $"location '{location_id}' takes no orders from '{platform}'");
            }

            var mapped = Map(lines, mapping, platform);
            if (mapped.Denied is { } unknown)
            {
                return Answer(new DeliveryAnswer(false, Reason: unknown));
            }

            var orderId = OrderIdOf(location_id, platform, id);
            try
            {
                var timing = new OrderTiming(order.PickupAt, mapping.AcceptsByHand ? now.AddSeconds(mapping.AcceptWithinSeconds) : null);
                var placed = await orders.PlaceOrderAsync(
                    location_id, orderId, mapped.Lines, cancellationToken: cancellationToken, origin: new OrderOrigin(platform, guest), timing: timing);
                return Answer(AnswerFor(placed.Order));
            }
            catch (RestaurantException ex) when (ex.Kind is ErrorKind.FailedPrecondition or ErrorKind.NotFound)
            {
                // The kitchen cannot make it (86'd, a count run short, closed, a dish that left the
                // menu): a definitive answer, so the platform stops resending and tells the guest.
                return Answer(new DeliveryAnswer(false, Reason: ex.Message));
            }
        }
        catch (RestaurantException ex)
        {
            return ex.Kind switch
            {
                ErrorKind.InvalidArgument => Status(StatusCodes.Status400BadRequest, 3, ex.Message),
                ErrorKind.AlreadyExists => Status(StatusCodes.Status409Conflict, 6, $"{platform} order '{OrderValidator.Shorten(order?.Id ?? "")}' was already sent with other content"),
                ErrorKind.NotFound => Status(StatusCodes.Status404NotFound, 5, ex.Message),
                _ => Status(StatusCodes.Status503ServiceUnavailable, 14, ex.Message),
            };
        }
    }

    /// <summary>The body as sent, or null when it is larger than a delivery order may be.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBody)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBody)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Whether <paramref name="header"/> is the hex HMAC-SHA256 of <paramref name="body"/>, compared in constant time.</summary>
    internal static bool Signed(byte[] body, string header, string secret)
    {
        var hex = header.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase) ? header["sha256=".Length..] : header;
        byte[] given;
        try
        {
            given = Convert.FromHexString(hex.Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>The platform's order checked as a POS's would be, naming the field at fault.</summary>
    private static (string Id, List<(DeliveryItem Item, int Index)> Lines, string Guest) Read(DeliveryOrder? order)
    {
        if (order is null || string.IsNullOrWhiteSpace(order.Id))
        {
            throw RestaurantException.Invalid("id (the platform's order id) is required");
        }

        if (OrderValidator.TextProblem(order.Id, OrderValidator.MaxGuestNameLength * 2) is { } problem)
        {
            throw RestaurantException.Invalid($"id {problem}");
        }

        var guest = (order.Guest ?? "").Trim();
        OrderValidator.ValidateGuestName(guest, "guest");
        if (order.Items is not { Count: > 0 } items)
        {
            throw RestaurantException.Invalid("items: an order needs at least one item");
        }

        return (order.Id, [.. items.Select((item, index) => (item, index))], guest);
    }

    /// <summary>The lines by menu item, or the reason the order is denied (an item the location does not map).</summary>
    private static (List<OrderLineData> Lines, string? Denied) Map(List<(DeliveryItem Item, int Index)> items, DeliveryPlatformDefinition mapping, string platform)
    {
        var lines = new List<OrderLineData>(items.Count);
        foreach (var (item, index) in items)
        {
            if (string.IsNullOrEmpty(item.Id))
            {
                throw RestaurantException.Invalid($"items[{index}].id is required");
            }

            if (!mapping.Items.TryGetValue(item.Id, out var menuItem))
            {
                return ([], $"items[{index}]: {platform} item '{OrderValidator.Shorten(item.Id)}' is not on this location's menu");
            }

            lines.Add(new OrderLineData(menuItem, item.Quantity, item.Modifiers ?? [], item.Note ?? ""));
        }

        OrderValidator.ValidateLines(lines);
        return (lines, null);
    }

    /// <summary>The order id for a platform's order: a UUID derived from where and whose it is, the same on every resend.</summary>
    internal static string OrderIdOf(string location, string platform, string platformOrderId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"delivery\n{location}\n{platform}\n{platformOrderId}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>The answer for an order as it stands, so a resend hears what became of it.</summary>
    internal static DeliveryAnswer AnswerFor(OrderData order) => order.Status switch
    {
        OrderState.AwaitingAcceptance => new DeliveryAnswer(false, order.OrderId, order.Number, Status: "AWAITING_ACCEPTANCE", AcceptBy: order.AcceptBy, FireAt: order.FireAt),
        OrderState.Cancelled => new DeliveryAnswer(
            false, order.OrderId, order.Number, order.Reason.Length > 0 ? order.Reason : "the restaurant cancelled the order", "CANCELLED"),
        _ => new DeliveryAnswer(true, order.OrderId, order.Number, Status: StatusName(order.Status), FireAt: order.FireAt),
    };

    private static string StatusName(OrderState state) => state switch
    {
        OrderState.InKitchen => "IN_KITCHEN",
        OrderState.Ready => "READY",
        OrderState.Completed => "COMPLETED",
        _ => "ACCEPTED",
    };

    private static IResult Answer(DeliveryAnswer answer) =>
        Results.Json(answer, DeliveryJson.Default.DeliveryAnswer);

    /// <summary>A refusal with the body every JSON route answers with: a google.rpc.Status.</summary>
    private static IResult Status(int http, int code, string message) =>
        Results.Json(new { code, message, details = Array.Empty<object>() }, statusCode: http);
}
