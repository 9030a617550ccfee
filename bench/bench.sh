#!/usr/bin/env bash
# The benchmark: on this machine, in one run, the baselines and then the service.
#
#   bench/bench.sh            the full run (about 8 minutes, the first of them the warm-up)
#   bench/bench.sh --quick    shorter steps, for trying the script itself
#
# Baselines: a trivial unary gRPC call (grpc.health.v1.Health/Check) on the OrderService's own
# Kestrel, driven by h2load; and redis-benchmark with the kinds of commands the service sends per
# order. Then the service: latency against offered rate (loadgen, the highest rate that holds the
# objective), Redis commands and round trips per order, CPU-seconds per 1,000 orders of each
# process, and memory per 10,000 open tickets. Writes bench/results/latest.{json,md} and
# bench/results/latency.svg. Everything binds to 127.0.0.1; every load is bounded in count and time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=0
[ "${1:-}" = "--quick" ] && quick=1
if [ "$quick" = 1 ]; then
  rates=100,300,600
  step_seconds=3
  flow_seconds=4
  hold_orders=1000
  h2_requests=20000
  redis_requests=20000
  warm_rounds=2
else
  rates=100,250,500,750,1000,1500,2000
  step_seconds=8
  flow_seconds=10
  hold_orders=3000
  h2_requests=200000
  redis_requests=200000
  warm_rounds=24
fi

# shellcheck source=scripts/prerequisites.sh
. scripts/prerequisites.sh
if ! command -v h2load >/dev/null 2>&1; then
  echo "==> installing h2load (nghttp2-client)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null
fi

# shellcheck source=bench/common.sh
. bench/common.sh

echo "==> building (Release)"
dotnet build Restaurant.sln -c Release -nologo -v quiet >/dev/null

work=$(mktemp -d)
raw=$root/bench/results/raw
rm -rf "$raw"
mkdir -p "$raw"
trap cleanup EXIT INT TERM

redis_port=$(free_port)
grpc_port=$(free_port)
worker_port=$(free_port)
metrics_service=$(free_port)
metrics_worker=$(free_port)

echo "==> redis-server on 127.0.0.1:$redis_port (append-only, everysec, as run.sh)"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync everysec --save "" "${redis_settings[@]}" \
  --logfile "$work/redis.log" &
redis_pid=$!
pids+=("$redis_pid")
for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
rcli() { redis-cli -p "$redis_port" "$@"; }

# A load-test device: a manager with limits that do not get in the way of the load.
bench_environment "$work" "$redis_port"
Restaurant__Metrics__Listen="127.0.0.1:$metrics_service" \
  dotnet "src/OrderService/bin/$bin/Restaurant.OrderService.dll" --urls "http://127.0.0.1:$grpc_port" >"$work/order-service.log" 2>&1 &
service_pid=$!
pids+=("$service_pid")
Restaurant__Metrics__Listen="127.0.0.1:$metrics_worker" \
  dotnet "src/KitchenWorker/bin/$bin/Restaurant.KitchenWorker.dll" --urls "http://127.0.0.1:$worker_port" >"$work/kitchen-worker.log" 2>&1 &
worker_pid=$!
pids+=("$worker_pid")

client() { dotnet "src/Clients/bin/$bin/restaurant.dll" "$@" --server "http://127.0.0.1:$grpc_port" --token "$token"; }
for _ in $(seq 150); do client pos menu >/dev/null 2>&1 && break; sleep 0.2; done
metrics="http://127.0.0.1:$metrics_service/metrics,http://127.0.0.1:$metrics_worker/metrics"

cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }        # user + system, in clock ticks
children_of() { awk '{print $16 + $17}' "/proc/$1/stat"; }   # of its children it waited for: Redis's AOF rewrites
# This shell's own waited-for children: the load generator, which runs in the foreground. `times`
# runs in this shell (not in a pipe, which would be a fresh process with no children), into a file.
loadgen_ticks() {
  times >"$work/times.txt"
  tail -1 "$work/times.txt" | awk -v hz="$(getconf CLK_TCK)" '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); s += a[1] * 60 + a[2] } printf "%d\n", s * hz }'
}
cpu_snapshot() {
  echo "ticks_per_second $(getconf CLK_TCK)"
  echo "redis $(cpu_of "$redis_pid")"
  echo "redis_children $(children_of "$redis_pid")"
  echo "orderservice $(cpu_of "$service_pid")"
  echo "worker $(cpu_of "$worker_pid")"
  echo "jit_orderservice $(metric_of "$metrics_service" dotnet_jit_compilation_time_seconds_total)"
  echo "jit_worker $(metric_of "$metrics_worker" dotnet_jit_compilation_time_seconds_total)"
  printf 'loadgen '
  loadgen_ticks   # not in $(…): a command substitution is a fresh process, with no children of its own
  rcli info persistence | tr -d '\r' | awk -F: '/^aof_rewrites:|^aof_rewrite_in_progress:|^rdb_bgsave_in_progress:/ { print $1, $2 }'
}
# Redis's persistence every half second while a run lasts: an AOF rewrite landing in one rate step
# explains a step that misses where its neighbours hold.
# Each line: ms since the epoch, whether an AOF rewrite is in progress, then the CPU ticks so far of
# Redis, its rewrite children, the OrderService and the worker, so each rate step's CPU per order is
# read from the samples at its start and end (the steps give their times in rates.json).
persistence_sampler() {
  while :; do
    echo "$(date +%s%3N) $(rcli info persistence | tr -d '\r' | awk -F: '/^aof_rewrite_in_progress:/ { print $2 }')" \
      "$(cpu_of "$redis_pid") $(children_of "$redis_pid") $(cpu_of "$service_pid") $(cpu_of "$worker_pid")"
    sleep 0.5
  done
}
# A metric (summed over its series) from a process's Prometheus endpoint (plain HTTP, no curl needed).
metric_of() {
  { exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && cat <&3; exec 3<&-; } 2>/dev/null \
    | awk -v name="$2" '$1 == name || index($1, name "{") == 1 { s += $NF } END { printf "%.3f\n", s }'
}
# The managed heap after the last GC.
heap_of() { metric_of "$1" dotnet_gc_last_collection_heap_size_bytes | awk '{ printf "%d\n", $1 }'; }
# Seconds the JIT has spent compiling, both services together: the warm-up runs until it stops growing.
jit_seconds() { echo "$(metric_of "$metrics_service" dotnet_jit_compilation_time_seconds_total) $(metric_of "$metrics_worker" dotnet_jit_compilation_time_seconds_total)" | awk '{ print $1 + $2 }'; }
memory_snapshot() {
  echo "redis_used_memory $(rcli info memory | awk -F: '/^used_memory:/ { print $2 }' | tr -d '\r')"
  echo "orderservice_heap $(heap_of "$metrics_service")"
  echo "worker_heap $(heap_of "$metrics_worker")"
  echo "orderservice_rss_kb $(awk '/^VmRSS/ { print $2 }' "/proc/$service_pid/status")"
  echo "worker_rss_kb $(awk '/^VmRSS/ { print $2 }' "/proc/$worker_pid/status")"
}

# The JIT recompiles hot methods (tiered compilation) for a minute or more of load; measured before
# it settles, CPU per order counts the compiler's work as the service's (a short warm-up put the
# OrderService's at 100 orders/s near 1.6 times its settled figure). So the warm-up offers the
# load in 5 s rounds until a round costs the JIT under 100 ms in both services together (at most
# 24 rounds, 2 with --quick), and the JIT's seconds during every measured phase are reported.
echo "==> warming up until the JIT settles (250 orders/s in 5 s rounds, at most $warm_rounds)"
: >"$raw/warmup.txt"
warm_start=$(date +%s)
settled=no
for round in $(seq "$warm_rounds"); do
  jit_before=$(jit_seconds)
  client loadgen --rate 250 --duration 5 >>"$raw/warmup.txt" 2>&1 || true
  jit_round=$(awk -v a="$jit_before" -v b="$(jit_seconds)" 'BEGIN { printf "%.3f", b - a }')
  echo "warmup_round $round jit_seconds $jit_round" >>"$raw/warmup.txt"
  if awk -v j="$jit_round" 'BEGIN { exit !(j < 0.1) }'; then
    settled=yes
    break
  fi
done
echo "warmup rounds $round seconds $(($(date +%s) - warm_start)) settled $settled jit_total $(jit_seconds)" >>"$raw/warmup.txt"
tail -1 "$raw/warmup.txt"

echo "==> baseline: h2load, grpc.health.v1.Health/Check, $h2_requests calls"
printf '\0\0\0\0\0' >"$work/empty.grpc"   # a gRPC frame: not compressed, length 0 (an empty HealthCheckRequest)
h2load -n "$h2_requests" -c 8 -m 16 -t 1 -d "$work/empty.grpc" \
  -H 'content-type: application/grpc' -H 'te: trailers' \
  "http://127.0.0.1:$grpc_port/grpc.health.v1.Health/Check" >"$raw/h2load.txt" 2>&1

echo "==> baseline: redis-benchmark ($redis_requests of each)"
{
  redis-benchmark -p "$redis_port" -n "$redis_requests" -c 50 -r 100000 --csv XADD bench:stream MAXLEN '~' 100000 '*' order __rand_int__ \
    | sed 's/^"XADD[^"]*"/"XADD (queue an order)"/'
  redis-benchmark -p "$redis_port" -n "$redis_requests" -c 50 -r 100000 --csv HSET bench:ticket:__rand_int__ status OPEN body 0123456789abcdef0123456789abcdef \
    | sed 's/^"HSET[^"]*"/"HSET (store a ticket)"/'
  redis-benchmark -p "$redis_port" -n "$redis_requests" -c 50 -r 100000 --csv \
    EVAL "redis.call('HSET', KEYS[1], 'status', 'OPEN'); redis.call('ZADD', KEYS[2], ARGV[1], KEYS[1]); return redis.call('XADD', KEYS[3], 'MAXLEN', '~', 1000, '*', 'k', ARGV[1])" \
    3 bench:ticket:__rand_int__ bench:open bench:events __rand_int__ \
    | sed 's/^"EVAL[^"]*"/"EVAL (a script: HSET, ZADD, XADD)"/'
} | grep -v '^"test"' >"$raw/redis-benchmark.csv"
rcli del bench:stream bench:open bench:events >/dev/null
rcli --scan --pattern 'bench:*' | xargs -r -n 500 redis-cli -p "$redis_port" del >/dev/null

echo "==> the service: latency against offered rate ($rates, $step_seconds s each)"
cpu_snapshot >"$raw/cpu-rates-before.txt"
persistence_sampler >"$raw/persistence-samples.txt" 2>/dev/null &
sampler=$!
client loadgen --rates "$rates" --duration "$step_seconds" --drain 60 --json "$raw/rates.json" >"$raw/rates.txt" 2>&1 || true
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
cpu_snapshot >"$raw/cpu-rates-after.txt"

echo "==> the service: one flow at 250 orders/s for $flow_seconds s, counting Redis commands and CPU"
rcli config resetstat >/dev/null
cpu_snapshot >"$raw/cpu-before.txt"
client loadgen --rate 250 --duration "$flow_seconds" --json "$raw/flow.json" --metrics "$metrics" >"$raw/flow.txt" 2>&1 || true
cpu_snapshot >"$raw/cpu-after.txt"
rcli info commandstats | tr -d '\r' >"$raw/commandstats.txt"

# Redis's commandstats count a script's own commands as well as the script call, whose time already
# includes them. Which commands came from scripts and which from the services is read from a short
# MONITOR sample of the same load, apart from the measured flow (MONITOR costs Redis time itself):
# per command, how many came from a script ("lua") and how many from a client.
echo "==> the service: a MONITOR sample (1.5 s at 250 orders/s) of which Redis commands the scripts run"
client loadgen --rate 250 --duration 4 >"$raw/monitor-flow.txt" 2>&1 &
sample_load=$!
for _ in $(seq 300); do grep -q 'orders/s for' "$raw/monitor-flow.txt" 2>/dev/null && break; sleep 0.1; done
timeout 1.5 redis-cli -p "$redis_port" monitor 2>/dev/null \
  | awk '$3 ~ /^[0-9.:]+\]$|^lua\]$/ { cmd = tolower($4); gsub(/"/, "", cmd); n[($3 == "lua]" ? "lua" : "client") " " cmd]++ }
         END { for (k in n) print k, n[k] }' | sort >"$raw/monitor-sample.txt" || true
wait "$sample_load" 2>/dev/null || true

echo "==> the service: $hold_orders orders whose tickets stay open, for memory per open ticket"
memory_snapshot >"$raw/memory-before.txt"
client loadgen --hold --rate 500 --orders "$hold_orders" --duration 60 --json "$raw/hold.json" --metrics "$metrics" >"$raw/hold.txt" 2>&1 || true
memory_snapshot >"$raw/memory-after.txt"

{
  echo "machine $(uname -m), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "cpu $(awk -F: '/model name/ { print $2; exit }' /proc/cpuinfo | sed 's/^ *//')"
  echo "redis $(redis-server --version | awk '{ print $3 }' | sed 's/v=//')"
  echo "dotnet $(dotnet --version)"
  echo "h2load $(h2load --version | awk '{ print $2 }')"
  echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
} >"$raw/machine.txt"

echo "==> summary"
dotnet run --project bench/Restaurant.Bench -c Release -- "$root/bench/results"
