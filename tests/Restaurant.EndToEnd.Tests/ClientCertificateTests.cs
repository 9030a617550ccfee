using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Restaurant.Contracts.V1;
using Restaurant.Testing;
using Xunit.Abstractions;
using static Restaurant.Testing.TestOrders;

namespace Restaurant.EndToEnd.Tests;

/// <summary>Where client certificates are configured, a provisioned certificate is a device's credential.</summary>
public class ClientCertificateTests(ITestOutputHelper output)
{
    [Fact]
    public async Task APosPresentingItsProvisionedCertificateOverTlsNeedsNoToken()
    {
        await using var redis = await RedisServer.StartAsync();
        var folder = Directory.CreateTempSubdirectory("restaurant-tls-").FullName;
        using var server = Certificate("CN=localhost", server: true);
        var serverPfx = Path.Combine(folder, "server.pfx");
        await File.WriteAllBytesAsync(serverPfx, server.Export(X509ContentType.Pfx, "pfx-secret"));
        using var terminal = Certificate("CN=pos-7", server: false);
        using var stranger = Certificate("CN=stranger", server: false);
        var port = RedisServer.FreePort();
        using var service = ServiceProcess.StartOrderService(redis.ConnectionString, port, ServiceProcess.RepoFile("data", "locations"), new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Tls__Url"] = $"https://127.0.0.1:{port}",
            ["Kestrel__Endpoints__Tls__Certificate__Path"] = serverPfx,
            ["Kestrel__Endpoints__Tls__Certificate__Password"] = "pfx-secret",
            ["Restaurant__Tls__ClientCertificates"] = "true",
            ["Restaurant__Devices__20__Id"] = "pos-7",
            ["Restaurant__Devices__20__Role"] = "pos",
            ["Restaurant__Devices__20__Location"] = "demo",
            ["Restaurant__Devices__20__CertificateSha256"] = terminal.GetCertHashString(HashAlgorithmName.SHA256),
        });
        try
        {
            using var trusted = Channel(port, server, terminal);
            using var unknown = Channel(port, server, stranger);
            var orders = new Orders.OrdersClient(trusted);
            await Eventually.WaitForAsync(
                async () =>
                {
                    try
                    {
                        await new Menu.MenuClient(trusted).GetMenuAsync(new GetMenuRequest { LocationId = "demo" });
                        return true;
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(30),
                "the OrderService to answer over TLS");

            var placed = await orders.PlaceOrderAsync(BurgerFriesBeer("demo"));
            Assert.Equal(OrderStatus.Accepted, placed.Order.Status);

            var refused = await Assert.ThrowsAsync<RpcException>(() => new Orders.OrdersClient(unknown).PlaceOrderAsync(BurgerFriesBeer("demo")).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
            Assert.Contains("certificate", refused.Status.Detail);
            var denied = await Assert.ThrowsAsync<RpcException>(() => new Kitchen.KitchenClient(trusted).GetAllDayAsync(new GetAllDayRequest { LocationId = "demo", StationId = "grill" }).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        }
        catch
        {
            output.WriteLine(service.Tail());
            throw;
        }
    }

    private static GrpcChannel Channel(int port, X509Certificate2 server, X509Certificate2 client)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = [client];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
            presented is not null && presented.GetCertHashString() == server.GetCertHashString();
        return GrpcChannel.ForAddress($"https://127.0.0.1:{port}", new GrpcChannelOptions { HttpHandler = handler });
    }

    /// <summary>A self-signed certificate made for the test; a server one names 127.0.0.1.</summary>
    private static X509Certificate2 Certificate(string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], critical: false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
    }
}
