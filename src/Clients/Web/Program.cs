using Restaurant.Web.Extensions;

// The pages' files ship beside the host, so it runs from its build output wherever it is started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory, WebRootPath = "wwwroot" });
builder.AddRestaurantWeb();

var app = builder.Build();
app.MapRestaurantWeb();
app.Run();

/// <summary>The web host: the kitchen's wall screens and the guest board, a client of the gRPC contract.</summary>
public partial class Program;
