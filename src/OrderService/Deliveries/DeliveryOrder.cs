using System.Text.Json.Serialization;

namespace Restaurant.OrderService.Deliveries;

/// <summary>
/// A delivery platform's order, as it is posted (snake_case JSON):
/// <c>{"id": "UE-8841", "guest": "Sam K.", "items": [{"id": "ue-burger", "quantity": 2, "modifiers": ["no onion"], "note": "…"}]}</c>.
/// </summary>
public sealed record DeliveryOrder(
    string? Id,
    string? Guest,
    IReadOnlyList<DeliveryItem>? Items);

/// <summary>One line, by the platform's own item id.</summary>
public sealed record DeliveryItem(string? Id, int Quantity = 1, IReadOnlyList<string>? Modifiers = null, string? Note = null);

/// <summary>What the service answers a platform: accepted, with the order, or denied with the reason.</summary>
public sealed record DeliveryAnswer(
    bool Accepted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrderId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Number = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, AllowTrailingCommas = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(DeliveryOrder))]
[JsonSerializable(typeof(DeliveryAnswer))]
internal sealed partial class DeliveryJson : JsonSerializerContext;
