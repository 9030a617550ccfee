using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restaurant.Web;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<MenuCount>))]
[JsonSerializable(typeof(RefusalBody))]
[JsonSerializable(typeof(BoardView))]
[JsonSerializable(typeof(TicketAction))]
[JsonSerializable(typeof(CourseAction))]
[JsonSerializable(typeof(IncidentAction))]
[JsonSerializable(typeof(ShownAction))]
[JsonSerializable(typeof(AvailabilityAction))]
internal sealed partial class WebJson : JsonSerializerContext;
