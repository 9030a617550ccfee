#!/usr/bin/env bash
# Compares this working tree with an earlier commit, in one run on this machine: both builds take
# turns under the same load (loadgen, open loop), and each figure is printed with its ratio to the
# earlier build's. The machines are shared and noisy; only ratios from one run mean anything.
#
#   bench/compare.sh HEAD~1              this tree against the previous commit
#   RATE=400 DURATION=10 ROUNDS=3 WARMUP=15 bench/compare.sh main
#   LOCATIONS=50 RATE=100 bench/compare.sh HEAD~1   a chain: 50 stores made from the demo, the load spread over them
#
# Per round and build: CPU-seconds per 1,000 orders of redis-server, OrderService and KitchenWorker
# (from /proc), place → screen p50 and p99 (all stations), and Redis's used memory grown per order
# (what a completed order leaves for its retention). Everything binds to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
ref=${1:?usage: bench/compare.sh GIT-REF}
rate=${RATE:-250}
duration=${DURATION:-10}
rounds=${ROUNDS:-2}
warmup=${WARMUP:-45}
locations=${LOCATIONS:-0}   # seconds of the same load first: the JIT's second tier and the connections settle

# shellcheck source=scripts/prerequisites.sh
. scripts/prerequisites.sh
# shellcheck source=bench/common.sh
. bench/common.sh

work=$(mktemp -d)
cleanup() {
  git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "==> building this tree and $ref"
dotnet build Restaurant.sln -c Release -nologo -v quiet >/dev/null
git worktree add -q --detach "$work/base" "$ref"
dotnet build "$work/base/Restaurant.sln" -c Release -nologo -v quiet >/dev/null
client=(dotnet "$root/src/Clients/bin/Release/net10.0/restaurant.dll")
spread=()
if [ "$locations" -gt 0 ]; then
  "${client[@]}" chain --count "$locations" --out "$work/chain" --from data/locations/demo.json >/dev/null
  cp data/locations/demo.json "$work/chain/"
  spread=(--locations "store-001..store-$(printf '%03d' "$locations")")
fi

# One round: a fresh Redis and the build's services, a warm-up, then the measured load.
# Prints: redis_cpu orderservice_cpu worker_cpu p50 p99 redis_kb (CPU in seconds per 1,000 orders,
# latency in ms, and the Redis memory each completed order leaves behind, in KB).
measure() {
  local tree=$1 dir port grpc health pids=()
  dir=$(mktemp -d -p "$work")
  port=$(free_port); grpc=$(free_port); health=$(free_port)
  bench_environment "$dir" "$port"
  [ "$locations" -gt 0 ] && export Restaurant__Locations__DataPath="$work/chain"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync everysec --save "" "${redis_settings[@]}" --logfile "$dir/redis.log" &
  local redis=$!
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  dotnet "$tree/src/OrderService/bin/Release/net10.0/Restaurant.OrderService.dll" --urls "http://127.0.0.1:$grpc" >"$dir/os.log" 2>&1 &
  local service=$!
  dotnet "$tree/src/KitchenWorker/bin/Release/net10.0/Restaurant.KitchenWorker.dll" --urls "http://127.0.0.1:$health" >"$dir/worker.log" 2>&1 &
  local worker=$!
  pids=("$worker" "$service" "$redis")
  local load=("${client[@]}" loadgen --server "http://127.0.0.1:$grpc" --token "$token" --rate "$rate" "${spread[@]}")
  for _ in $(seq 100); do "${client[@]}" pos menu --server "http://127.0.0.1:$grpc" --token "$token" >/dev/null 2>&1 && break; sleep 0.2; done
  "${load[@]}" --duration "$warmup" >/dev/null 2>&1 || true
  cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
  local r0 o0 w0 r1 o1 w1 out orders m0 m1
  used() { redis-cli -p "$port" info memory | tr -d '\r' | awk -F: '/^used_memory:/ { print $2 }'; }
  m0=$(used)
  r0=$(cpu "$redis"); o0=$(cpu "$service"); w0=$(cpu "$worker")
  out=$("${load[@]}" --duration "$duration" --drain 60 --json "$dir/run.json" 2>&1 || true)
  r1=$(cpu "$redis"); o1=$(cpu "$service"); w1=$(cpu "$worker")
  m1=$(used)
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  orders=$(sed -n 's/.*acknowledged \([0-9]*\),.*/\1/p' <<<"$out" | head -1)
  awk -v t="$(getconf CLK_TCK)" -v n="${orders:-0}" -v r=$((r1 - r0)) -v o=$((o1 - o0)) -v w=$((w1 - w0)) \
    -v p50="$(grep -o '"p50": [0-9.]*' "$dir/run.json" | sed -n 2p | awk '{ print $2 }')" \
    -v m=$((m1 - m0)) -v p99="$(grep -o '"p99": [0-9.]*' "$dir/run.json" | sed -n 2p | awk '{ print $2 }')" \
    'BEGIN { if (n == 0) { print "0 0 0 0 0 0"; exit } printf "%.3f %.3f %.3f %s %s %.2f\n", r / t / n * 1000, o / t / n * 1000, w / t / n * 1000, p50, p99, m / n / 1024 }'
}

echo "==> $rounds rounds of $rate orders/s for $duration s${spread:+ over $locations locations}, the builds taking turns"
printf '%-8s %-6s %14s %14s %14s %10s %10s %10s\n' round build "redis cpu-s" "service cpu-s" "worker cpu-s" "p50 ms" "p99 ms" "redis KB"
: >"$work/base.txt"; : >"$work/this.txt"
for round in $(seq "$rounds"); do
  for build in base this; do
    tree=$root; [ "$build" = base ] && tree=$work/base
    line=$(measure "$tree")
    echo "$line" >>"$work/$build.txt"
    # shellcheck disable=SC2086
    printf '%-8s %-6s %14s %14s %14s %10s %10s %10s\n' "$round" "$build" $line
  done
done

echo "==> this tree beside $ref (mean of the rounds; below 1 is better)"
paste "$work/base.txt" "$work/this.txt" | awk '
  { for (i = 1; i <= 6; i++) { b[i] += $i; t[i] += $(i + 6) } }
  END {
    split("redis CPU per order,OrderService CPU per order,KitchenWorker CPU per order,place → screen p50,place → screen p99,Redis KB per order kept", name, ",")
    for (i = 1; i <= 6; i++) printf "%-28s %8.3f → %8.3f   ratio %.2f\n", name[i], b[i] / NR, t[i] / NR, (b[i] > 0 ? t[i] / b[i] : 0)
  }'
