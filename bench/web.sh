#!/usr/bin/env bash
# The browser screens' benchmark: place → card visible in a real browser (Debian's chromium, one
# context per station page, as separate wall tablets), beside place → ticket_added over gRPC of the
# same orders in the same run, at 20 and at 100 orders/s. Writes bench/results/web.{md,json}.
#
#   bench/web.sh [--rates 20,100] [--seconds 10]
#   PIN=1 bench/web.sh      the service (Redis, OrderService, worker, web host) on CPU 0, the browser
#                           and the gRPC watchers on CPU 1, so the browser cannot starve the service
# Everything binds to 127.0.0.1; every load is bounded in count and time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# shellcheck source=scripts/prerequisites.sh
. scripts/prerequisites.sh
if [ ! -x /usr/bin/chromium ]; then
  echo "==> installing chromium"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# shellcheck source=bench/common.sh
. bench/common.sh

service_cpu=(); browser_cpu=()
if [ "${PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ]; then service_cpu=(taskset -c 0); browser_cpu=(taskset -c 1); fi

echo "==> building (Release)"
dotnet build Restaurant.sln -c Release -nologo -v quiet >/dev/null

work=$(mktemp -d)
trap cleanup EXIT INT TERM

redis_port=$(free_port); grpc_port=$(free_port); worker_port=$(free_port); web_port=$(free_port)
"${service_cpu[@]}" redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly yes --appendfsync everysec --save "" "${redis_settings[@]}" --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

bench_environment "$work" "$redis_port"
"${service_cpu[@]}" dotnet "src/OrderService/bin/$bin/Restaurant.OrderService.dll" --urls "http://127.0.0.1:$grpc_port" >"$work/order-service.log" 2>&1 &
pids+=($!)
"${service_cpu[@]}" dotnet "src/KitchenWorker/bin/$bin/Restaurant.KitchenWorker.dll" --urls "http://127.0.0.1:$worker_port" >"$work/kitchen-worker.log" 2>&1 &
pids+=($!)
Restaurant__Web__Server="http://127.0.0.1:$grpc_port" \
  "${service_cpu[@]}" dotnet "src/Clients/Web/bin/$bin/Restaurant.Web.dll" --urls "http://127.0.0.1:$web_port" >"$work/web.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do
  dotnet "src/Clients/bin/$bin/restaurant.dll" pos menu --server "http://127.0.0.1:$grpc_port" --token "$token" >/dev/null 2>&1 && break
  sleep 0.2
done

echo "==> place → card visible in the browser, beside place → ticket_added over gRPC"
"${browser_cpu[@]}" dotnet "bench/Restaurant.WebBench/bin/$bin/Restaurant.WebBench.dll" --server "http://127.0.0.1:$grpc_port" --web "http://127.0.0.1:$web_port" \
  --token "$token" --out "$root/bench/results" "$@"
