using System.Text.Json.Serialization;
using Restaurant.Domain.Locations;

namespace Restaurant.Domain;

/// <summary>JSON for what is stored in Redis and for location data files: snake_case, source-generated.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(LocationDefinition))]
[JsonSerializable(typeof(TicketBody))]
[JsonSerializable(typeof(OrderBody))]
[JsonSerializable(typeof(Dictionary<string, int>))]
public sealed partial class DomainJson : JsonSerializerContext;
