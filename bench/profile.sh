#!/usr/bin/env bash
# Where the service's CPU goes under load: a fresh Redis and both services, a warm-up, then `perf`
# samples each process (call graphs, .NET frames named through the runtime's perf map) while the
# load generator offers orders, and the hottest frames of each are printed.
#
#   bench/profile.sh                   250 orders/s for 10 s at the demo
#   RATE=1000 SECONDS_=8 bench/profile.sh
#
# Writes bench/results/profile/{redis,orderservice,worker}.txt (perf report, by symbol, self time).
# Everything binds to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rate=${RATE:-250}
seconds=${SECONDS_:-10}

# shellcheck source=scripts/prerequisites.sh
. scripts/prerequisites.sh
command -v perf >/dev/null 2>&1 || { echo "perf is needed (apt-get install linux-perf)" >&2; exit 1; }
# shellcheck source=bench/common.sh
. bench/common.sh

dotnet build Restaurant.sln -c Release -nologo -v quiet >/dev/null
work=$(mktemp -d)
out=$root/bench/results/profile
mkdir -p "$out"
trap cleanup EXIT INT TERM

port=$(free_port); grpc=$(free_port); health=$(free_port)
bench_environment "$work" "$port"
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync everysec --save "" "${redis_settings[@]}" --logfile "$work/redis.log" &
redis=$!
pids+=("$redis")
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0   # JIT frames named in perf (no double-mapped code)
dotnet "src/OrderService/bin/$bin/Restaurant.OrderService.dll" --urls "http://127.0.0.1:$grpc" >"$work/os.log" 2>&1 &
service=$!
pids+=("$service")
dotnet "src/KitchenWorker/bin/$bin/Restaurant.KitchenWorker.dll" --urls "http://127.0.0.1:$health" >"$work/worker.log" 2>&1 &
worker=$!
pids+=("$worker")
unset DOTNET_PerfMapEnabled DOTNET_EnableWriteXorExecute
client=(dotnet "src/Clients/bin/$bin/restaurant.dll")
for _ in $(seq 100); do "${client[@]}" pos menu --server "http://127.0.0.1:$grpc" --token "$token" >/dev/null 2>&1 && break; sleep 0.2; done
load=("${client[@]}" loadgen --server "http://127.0.0.1:$grpc" --token "$token" --rate "$rate")
"${load[@]}" --duration 8 >/dev/null 2>&1 || true

echo "==> $rate orders/s for $seconds s, perf sampling each process"
"${load[@]}" --duration "$((seconds + 4))" >"$out/load.txt" 2>&1 &
loadgen=$!
sleep 2   # past the load generator's start, into the steady offered load
for name in redis orderservice worker; do
  case $name in redis) pid=$redis ;; orderservice) pid=$service ;; worker) pid=$worker ;; esac
  perf record -F 499 -g -p "$pid" -o "$work/$name.data" -- sleep "$seconds" >/dev/null 2>&1 &
done
wait "$loadgen" || true
sleep 1
for name in redis orderservice worker; do
  perf report -i "$work/$name.data" --no-children -g none --sort dso,symbol --stdio 2>"$work/$name.err" | grep -E '^ +[0-9]' | head -60 >"$out/$name.txt" || true
  [ -s "$out/$name.txt" ] || tail -3 "$work/$name.err" >&2
  echo "--- $name: hottest frames (self time)"
  head -25 "$out/$name.txt"
done
