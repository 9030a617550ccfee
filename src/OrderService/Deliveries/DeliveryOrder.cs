using System.Text.Json.Serialization;

namespace Restaurant.OrderService.Deliveries;

/// <summary>
/// A delivery platform's order, as it is posted (snake_case JSON):
/// <c>{"id": "UE-8841", "guest": "Sam K.", "pickup_at": "2026-12-02T18:30:00Z", "items": [{"id": "ue-burger", "quantity": 2, "modifiers": ["no onion"], "note": "…"}]}</c>.
/// A <c>pickup_at</c> (RFC 3339, optional) places it for later: it fires so that it is ready then.
/// </summary>
public sealed record DeliveryOrder(
    string? Id,
    string? Guest,
    IReadOnlyList<DeliveryItem>? Items,
    DateTimeOffset? PickupAt = null);

/// <summary>One line, by the platform's own item id.</summary>
public sealed record DeliveryItem(string? Id, int Quantity = 1, IReadOnlyList<string>? Modifiers = null, string? Note = null);

/// <summary>
/// What the service answers a platform: accepted, with the order; awaiting the location's acceptance
/// until <see cref="AcceptBy"/> (the outcome follows as a status webhook); or denied with the reason.
/// <see cref="Status"/> is the order's status as the contract names it, once the order is stored.
/// </summary>
public sealed record DeliveryAnswer(
    bool Accepted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrderId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Number = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? AcceptBy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? FireAt = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, AllowTrailingCommas = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(DeliveryOrder))]
[JsonSerializable(typeof(DeliveryAnswer))]
internal sealed partial class DeliveryJson : JsonSerializerContext;
