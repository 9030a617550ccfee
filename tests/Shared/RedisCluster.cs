using System.Diagnostics;
using StackExchange.Redis;

namespace Restaurant.Testing;

/// <summary>
/// A real Redis Cluster on loopback ports: masters with a replica each, every node a redis-server in
/// its own temp folder (append-only), made into a cluster with <c>redis-cli --cluster create</c>.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly List<RedisServer> _nodes;

    private readonly int _masters;
    private readonly int _replicasPerMaster;

    private RedisCluster(List<RedisServer> nodes, int masters, int replicasPerMaster)
    {
        _nodes = nodes;
        _masters = masters;
        _replicasPerMaster = replicasPerMaster;
    }

    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>Every node: the client finds the cluster's shape from any of them.</summary>
    public string ConnectionString => string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.Port}")) + ",abortConnect=false";

    public static async Task<RedisCluster> StartAsync(int masters = 3, int replicasPerMaster = 1)
    {
        var nodes = new List<RedisServer>();
        try
        {
            for (var i = 0; i < masters * (1 + replicasPerMaster); i++)
            {
                nodes.Add(await RedisServer.StartAsync(
                [
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
                    "--cluster-port", RedisServer.FreePort().ToString(),
                ]));
            }

            var cluster = new RedisCluster(nodes, masters, replicasPerMaster);
            await RedisCli(["--cluster", "create", .. nodes.Select(n => $"127.0.0.1:{n.Port}"), "--cluster-replicas", replicasPerMaster.ToString(), "--cluster-yes"]);
            await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The node that now serves the slot of <paramref name="key"/> as master.</summary>
    public async Task<RedisServer> MasterOfAsync(string key)
    {
        var slot = await RedisCli(["-p", _nodes[0].Port.ToString(), "cluster", "keyslot", key]);
        var number = int.Parse(slot.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        foreach (var line in (await NodesAsync()).Where(l => l.Flags.Contains("master") && !l.Flags.Contains("fail")))
        {
            if (line.Slots.Any(r => r.From <= number && number <= r.To))
            {
                return _nodes.Single(n => n.Port == line.Port);
            }
        }

        throw new InvalidOperationException($"no master serves slot {number}");
    }

    /// <summary>A replica of <paramref name="master"/>.</summary>
    public async Task<RedisServer> ReplicaOfAsync(RedisServer master)
    {
        var nodes = await NodesAsync();
        var masterId = nodes.Single(n => n.Port == master.Port).Id;
        var replica = nodes.First(n => n.MasterId == masterId && !n.Flags.Contains("fail"));
        return _nodes.Single(n => n.Port == replica.Port);
    }

    /// <summary>Waits until <paramref name="node"/> is a master that serves slots and every node agrees the cluster is ok.</summary>
    public async Task WaitUntilMasterAsync(RedisServer node, TimeSpan patience) =>
        await Eventually.WaitForAsync(
            async () =>
            {
                var nodes = await NodesAsync(node);
                var me = nodes.SingleOrDefault(n => n.Port == node.Port);
                var ok = me is not null && me.Flags.Contains("master") && me.Slots.Count > 0 && await StateOkAsync(node);
                return (Ok: ok, Seen: string.Join(" | ", nodes.Select(n => $"{n.Port} {string.Join(',', n.Flags)} {n.LinkState} {n.Slots.Count}")));
            },
            seen => seen.Ok,
            patience,
            $"node {node.Port} to take over as master");

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>Waits until the cluster is ok everywhere and every replica has finished its first sync with its master.</summary>
    private async Task WaitUntilHealthyAsync(TimeSpan patience) =>
        await Eventually.WaitForAsync(
            async () =>
            {
                foreach (var node in _nodes)
                {
                    if (!await StateOkAsync(node))
                    {
                        return false;
                    }
                }

                // Every replica is linked to its master, so a failover in the test has a replica to promote.
                var nodes = await NodesAsync();
                if (nodes.Count != _masters * (1 + _replicasPerMaster) || nodes.Any(n => n.LinkState != "connected" || n.Flags.Contains("fail"))
                    || nodes.Count(n => n.Flags.Contains("slave")) != _masters * _replicasPerMaster)
                {
                    return false;
                }

                foreach (var replica in nodes.Where(n => n.Flags.Contains("slave")))
                {
                    var info = await RedisCli(["-p", replica.Port.ToString(), "info", "replication"]);
                    if (!info.Contains("master_link_status:up", StringComparison.Ordinal))
                    {
                        return false;
                    }
                }

                return true;
            },
            patience,
            "the cluster to be ok on every node");

    private static async Task<bool> StateOkAsync(RedisServer node)
    {
        try
        {
            return (await RedisCli(["-p", node.Port.ToString(), "cluster", "info"])).Contains("cluster_state:ok", StringComparison.Ordinal);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<List<NodeLine>> NodesAsync(RedisServer? from = null)
    {
        var text = await RedisCli(["-p", (from ?? _nodes.First(n => n.ProcessId is not null)).Port.ToString(), "cluster", "nodes"]);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(NodeLine.Parse)];
    }

    private static async Task<string> RedisCli(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', info.ArgumentList)} failed: {await output}{await error}");
        }

        return await output;
    }

    /// <summary>One line of CLUSTER NODES: id, address, flags, master id, link state and slot ranges.</summary>
    private sealed record NodeLine(string Id, int Port, string[] Flags, string MasterId, string LinkState, List<(int From, int To)> Slots)
    {
        public static NodeLine Parse(string line)
        {
            var parts = line.Trim().Split(' ');
            var address = parts[1].Split('@')[0];
            var slots = new List<(int, int)>();
            foreach (var range in parts.Skip(8).Where(p => !p.StartsWith('[')))
            {
                var ends = range.Split('-');
                slots.Add((int.Parse(ends[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(ends[^1], System.Globalization.CultureInfo.InvariantCulture)));
            }

            return new NodeLine(parts[0], int.Parse(address[(address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture), parts[2].Split(','), parts[3], parts[7], slots);
        }
    }
}
