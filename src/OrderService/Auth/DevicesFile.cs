using Microsoft.Extensions.FileProviders;

namespace Restaurant.OrderService.Auth;

/// <summary>
/// The devices file as a source of configuration, reread when it changes. It is watched by polling
/// the one file (every 4 s), not by a file-system watcher: that watcher follows the file's whole
/// folder and everything under it, and the folder the file usually shares with Redis's data and the
/// logs (<c>.data/</c>) changes with every order, so each append-only write woke the service.
/// </summary>
public static class DevicesFile
{
    public static IConfigurationBuilder AddDevicesFile(this IConfigurationBuilder configuration, string path)
    {
        var full = Path.GetFullPath(path);
        return configuration.AddJsonFile(source =>
        {
            source.FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(full)!) { UsePollingFileWatcher = true, UseActivePolling = true };
            source.Path = Path.GetFileName(full);
            source.Optional = true;
            source.ReloadOnChange = true;
        });
    }
}
