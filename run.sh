#!/usr/bin/env bash
# Brings up the whole service on this machine: Redis (data kept in ./.data), OrderService and
# KitchenWorker with the sample restaurant, then a rush simulator and a kitchen screen.
# Ctrl-C stops everything it started.
#
#   ./run.sh                      the demo: simulator in the background, the grill's screen in front
#   ./run.sh --station fryer      another station's screen
#   ./run.sh --no-sim             the service and a screen, no simulated orders
#   ./run.sh --service-only       just Redis, OrderService and KitchenWorker
#   ./run.sh --cluster            a chain on one machine: a Redis Cluster of 3 masters and 3 replicas,
#                                 50 generated stores beside the demo, 2 OrderService and 2 KitchenWorker
#                                 processes, nginx in front (grpc_pass) on the usual gRPC port
# The kitchen's browser screens and the guest board are served on WEB_PORT (8080), on 127.0.0.1
# unless WEB_BIND=0.0.0.0 lets the kitchen's tablets reach it.
# Ports: REDIS_PORT (6379), GRPC_PORT (5080), WORKER_PORT (5081), METRICS_PORT (9464, and the next one for the worker), WEB_PORT (8080),
# JSON_PORT (5082: the same contract as JSON over plain HTTP/1.1, for curl; gRPC's port speaks HTTP/2;
# under --cluster 5085, nginx in front of the OrderServices' JSON ports 5086 and 5087).
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD

redis_port=${REDIS_PORT:-6379}
grpc_port=${GRPC_PORT:-5080}
worker_port=${WORKER_PORT:-5081}
metrics_port=${METRICS_PORT:-9464}
web_port=${WEB_PORT:-8080}
json_port=${JSON_PORT:-}
web_bind=${WEB_BIND:-127.0.0.1}
# always: every write is on disk before the answer; everysec: at most about a second of writes can
# be lost on power failure (not on a crash of Redis alone); no: the OS decides, tens of seconds.
appendfsync=${REDIS_APPENDFSYNC:-everysec}
station=grill
cluster=0
cluster_port=${CLUSTER_PORT:-7000}
sim=1
screen=1
while [ $# -gt 0 ]; do
  case "$1" in
    --station) station=$2; shift 2 ;;
    --no-sim) sim=0; shift ;;
    --service-only) sim=0; screen=0; shift ;;
    --cluster) cluster=1; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see ./run.sh --help)" >&2; exit 2 ;;
  esac
done
# Under --cluster the ports after GRPC_PORT are the OrderServices' and workers', so JSON moves past them.
if [ -z "$json_port" ]; then
  if [ "$cluster" = 1 ]; then json_port=$((grpc_port + 5)); else json_port=5082; fi
fi

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# shellcheck source=scripts/prerequisites.sh
. scripts/prerequisites.sh
if [ "$cluster" = 1 ]; then
  # Six Redis nodes from CLUSTER_PORT (bus ports 10000 above), two OrderServices and two workers on the
  # ports after GRPC_PORT, and their metrics after METRICS_PORT; nginx takes GRPC_PORT itself.
  ports=("$grpc_port" "$web_port" "$json_port" "$((json_port + 1))" "$((json_port + 2))")
  for i in 0 1 2 3 4 5; do ports+=("$((cluster_port + i))" "$((cluster_port + 10000 + i))"); done
  for i in 1 2 3 4; do ports+=("$((grpc_port + i))"); done
  for i in 0 1 2 3; do ports+=("$((metrics_port + i))"); done
  if ! command -v nginx >/dev/null 2>&1; then
    echo "==> installing nginx (the gRPC proxy in front of the OrderServices)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  fi
else
  ports=("$redis_port" "$grpc_port" "$worker_port" "$metrics_port" "$((metrics_port + 1))" "$web_port" "$json_port")
fi
for port in "${ports[@]}"; do
  if port_taken "$port"; then
    echo "Port $port on 127.0.0.1 is already taken (another Redis or OrderService?)." >&2
    echo "Stop it, or choose other ports: REDIS_PORT=6380 GRPC_PORT=5090 WORKER_PORT=5091 METRICS_PORT=9474 CLUSTER_PORT=7100 ./run.sh" >&2
    exit 1
  fi
done

echo "==> building"
dotnet build Restaurant.sln -c Release -nologo -v quiet >/dev/null

mkdir -p .data/logs
pids=()
cleanup() {
  trap - EXIT INT TERM
  echo
  echo "==> stopping"
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ "$cluster" = 1 ]; then
  # A Redis Cluster on this machine: three masters with a replica each, data in .data/cluster/.
  nodes=()
  for i in 0 1 2 3 4 5; do
    port=$((cluster_port + i))
    mkdir -p ".data/cluster/node$i"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$root/.data/cluster/node$i" --cluster-enabled yes \
      --cluster-config-file nodes.conf --cluster-node-timeout 3000 --appendonly yes --appendfsync "$appendfsync" \
      --save "" "${redis_settings[@]}" --logfile "$root/.data/logs/redis-$port.log" &
    pids+=($!)
    nodes+=("127.0.0.1:$port")
  done
  for port in $(seq "$cluster_port" $((cluster_port + 5))); do
    for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  if ! redis-cli -p "$cluster_port" cluster info | grep -q cluster_state:ok; then
    if [ "$(redis-cli -p "$cluster_port" cluster info | awk -F: '/cluster_known_nodes/ { print $2 }' | tr -d '\r')" = 1 ]; then
      echo "==> creating the Redis Cluster: ${nodes[*]}"
      redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$root/.data/logs/cluster-create.log"
    fi
    for _ in $(seq 150); do redis-cli -p "$cluster_port" cluster info | grep -q cluster_state:ok && break; sleep 0.2; done
  fi
  echo "==> Redis Cluster on 127.0.0.1:$cluster_port-$((cluster_port + 5)) (data in .data/cluster/)"
else
  echo "==> redis-server on 127.0.0.1:$redis_port (data in .data/, append-only file, appendfsync $appendfsync)"
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$root/.data" --appendonly yes --appendfsync "$appendfsync" \
    --save "" "${redis_settings[@]}" --logfile "$root/.data/logs/redis.log" &
  pids+=($!)
  for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# Demo devices, provisioned once and kept in .data/: every call needs a device's token, and the
# service stores only the tokens' hashes (in .data/devices.json, reread when it changes).
demo_stations=(grill fryer saute cold pizza bar dessert expo)
if [ ! -f .data/tokens.env ] || ! grep -q BOARD_TOKEN .data/tokens.env; then
  echo "==> provisioning demo devices (.data/devices.json, tokens in .data/tokens.env)"
  new_token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
  hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
  manager=$(new_token); pos=$(new_token); kitchen=$(new_token); chain=$(new_token); board=$(new_token)
  cat >.data/tokens.env <<ENV
MANAGER_TOKEN=$manager
POS_TOKEN=$pos
KITCHEN_TOKEN=$kitchen
CHAIN_TOKEN=$chain
BOARD_TOKEN=$board
ENV
  # One screen device per station, to pair each wall screen with just its own station.
  screens=""
  for s in "${demo_stations[@]}"; do
    t=$(new_token)
    echo "SCREEN_TOKEN_${s^^}=$t" >>.data/tokens.env
    screens="$screens,
  { \"Id\": \"demo-$s-screen\", \"Role\": \"kitchen\", \"Location\": \"demo\", \"TokenSha256\": \"$(hash "$t")\", \"Stations\": [ \"$s\" ] }"
  done
  cat >.data/devices.json <<JSON
{ "Restaurant": { "Devices": [
  { "Id": "demo-manager", "Role": "manager", "Location": "demo", "TokenSha256": "$(hash "$manager")" },
  { "Id": "chain-manager", "Role": "manager", "Location": "*", "TokenSha256": "$(hash "$chain")",
    "RequestsPerSecond": 100000, "Burst": 100000, "MaxStreams": 2048 },
  { "Id": "demo-pos-1", "Role": "pos", "Location": "demo", "TokenSha256": "$(hash "$pos")" },
  { "Id": "demo-kitchen", "Role": "kitchen", "Location": "demo", "TokenSha256": "$(hash "$kitchen")",
    "Stations": [ "grill", "fryer", "saute", "cold", "pizza", "bar", "dessert", "expo" ] },
  { "Id": "demo-board", "Role": "board", "Location": "demo", "TokenSha256": "$(hash "$board")", "Stations": [ "expo" ] }$screens
] } }
JSON
fi
# The demo's delivery platforms (data/locations/demo.json: ubereats accepted automatically, deliveroo
# by hand within 8 minutes) sign with these secrets.
for platform in UBEREATS DELIVEROO; do
  if ! grep -q "${platform}_SECRET" .data/tokens.env; then
    echo "${platform}_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >>.data/tokens.env
  fi
done
# shellcheck source=/dev/null
. .data/tokens.env
# Only the OrderServices are told the platforms' secrets.
delivery_env=(
  Restaurant__Delivery__Platforms__ubereats__Secret="$UBEREATS_SECRET" Restaurant__Delivery__Platforms__ubereats__SignatureHeader=X-Uber-Signature
  Restaurant__Delivery__Platforms__deliveroo__Secret="$DELIVEROO_SECRET" Restaurant__Delivery__Platforms__deliveroo__SignatureHeader=X-Deliveroo-Hmac-Sha256
)

if [ "$cluster" = 1 ]; then
  # The chain: the demo and 50 generated stores, in a folder every OrderService watches.
  if [ ! -f .data/chain/store-050.json ]; then
    echo "==> generating 50 stores in .data/chain/"
    dotnet "src/Clients/bin/Release/net10.0/restaurant.dll" chain --count 50 --out .data/chain --from data/locations/demo.json >/dev/null
  fi
  cp data/locations/demo.json .data/chain/demo.json
  export ConnectionStrings__Redis="$(IFS=,; echo "${nodes[*]}")"
  export Restaurant__Locations__DataPath="$root/.data/chain"
  export Restaurant__DevicesFile="$root/.data/devices.json"
  bin=Release/net10.0
  upstreams=""
  for i in 1 2; do
    port=$((grpc_port + i))
    echo "==> OrderService $i on http://127.0.0.1:$port, JSON on :$((json_port + i)) (log: .data/logs/order-service-$i.log)"
    env "${delivery_env[@]}" Restaurant__Metrics__Listen="127.0.0.1:$((metrics_port + i - 1))" Restaurant__Json__Urls="http://127.0.0.1:$((json_port + i))" \
      dotnet "src/OrderService/bin/$bin/Restaurant.OrderService.dll" --urls "http://127.0.0.1:$port" \
      >"$root/.data/logs/order-service-$i.log" 2>&1 &
    pids+=($!)
    upstreams="$upstreams    server 127.0.0.1:$port;
"
    json_upstreams="${json_upstreams:-}    server 127.0.0.1:$((json_port + i));
"
  done
  for i in 1 2; do
    echo "==> KitchenWorker $i (log: .data/logs/kitchen-worker-$i.log)"
    Restaurant__Metrics__Listen="127.0.0.1:$((metrics_port + i + 1))" \
      dotnet "src/KitchenWorker/bin/$bin/Restaurant.KitchenWorker.dll" --urls "http://127.0.0.1:$((grpc_port + i + 2))" \
      >"$root/.data/logs/kitchen-worker-$i.log" 2>&1 &
    pids+=($!)
  done

  # nginx in front: gRPC over HTTP/2 to either OrderService; long-lived screen streams stay open.
  # nginx gives every gRPC call its own upstream connection (it does not multiplex upstream), so each
  # open screen or POS stream holds two: the chain's 50 stores with 13 devices each need about 1,300,
  # and at 1,024 nginx refused streams by the thousand ("worker_connections are not enough").
  mkdir -p .data/nginx
  cat >.data/nginx/nginx.conf <<NGINX
worker_processes 1;
worker_rlimit_nofile 20000;
pid $root/.data/nginx/nginx.pid;
error_log $root/.data/logs/nginx-error.log warn;
events { worker_connections 10000; }
http {
  access_log off;
  client_body_temp_path $root/.data/nginx/body;
  proxy_temp_path $root/.data/nginx/proxy;
  upstream orderservice {
$upstreams    keepalive 16;
  }
  upstream orderservice_json {
$json_upstreams    keepalive 16;
  }
  server {
    listen 127.0.0.1:$grpc_port http2;
    location / {
      grpc_pass grpc://orderservice;
      grpc_read_timeout 1h;
      grpc_send_timeout 1h;
      grpc_next_upstream error timeout;
    }
  }
  # JSON over plain HTTP/1.1; unbuffered, so a station's NDJSON stream arrives line by line.
  server {
    listen 127.0.0.1:$json_port;
    location / {
      proxy_pass http://orderservice_json;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_buffering off;
      proxy_read_timeout 1h;
      client_max_body_size 1m;
    }
  }
}
NGINX
  echo "==> nginx on http://127.0.0.1:$grpc_port (gRPC) and :$json_port (JSON), in front of both OrderServices (log: .data/logs/nginx-error.log)"
  nginx -p "$root/.data/nginx" -c "$root/.data/nginx/nginx.conf" -g 'daemon off;' &
  pids+=($!)
else
  export ConnectionStrings__Redis="127.0.0.1:$redis_port"
  export Restaurant__Locations__DataPath="$root/data/locations"
  export Restaurant__DevicesFile="$root/.data/devices.json"
  bin=Release/net10.0
  echo "==> OrderService on http://127.0.0.1:$grpc_port, JSON over HTTP/1.1 on http://127.0.0.1:$json_port (log: .data/logs/order-service.log)"
  env "${delivery_env[@]}" Restaurant__Metrics__Listen="127.0.0.1:$metrics_port" Restaurant__Json__Urls="http://127.0.0.1:$json_port" \
    dotnet "src/OrderService/bin/$bin/Restaurant.OrderService.dll" --urls "http://127.0.0.1:$grpc_port" \
    >"$root/.data/logs/order-service.log" 2>&1 &
  pids+=($!)
  echo "==> KitchenWorker (log: .data/logs/kitchen-worker.log)"
  Restaurant__Metrics__Listen="127.0.0.1:$((metrics_port + 1))" \
    dotnet "src/KitchenWorker/bin/$bin/Restaurant.KitchenWorker.dll" --urls "http://127.0.0.1:$worker_port" \
    >"$root/.data/logs/kitchen-worker.log" 2>&1 &
  pids+=($!)
fi

# The kitchen's browser screens and the guest board: a client of the same address a POS uses.
echo "==> web screens on http://$web_bind:$web_port (log: .data/logs/web.log)"
RESTAURANT_SERVER="http://127.0.0.1:$grpc_port" Restaurant__Web__KeysPath="$root/.data/web-keys" Restaurant__Web__Boards__demo="$BOARD_TOKEN" \
  dotnet "src/Clients/Web/bin/$bin/Restaurant.Web.dll" --urls "http://$web_bind:$web_port" \
  >"$root/.data/logs/web.log" 2>&1 &
pids+=($!)

client=(dotnet "src/Clients/bin/$bin/restaurant.dll")
export RESTAURANT_SERVER="http://127.0.0.1:$grpc_port"
export RESTAURANT_TOKEN="$MANAGER_TOKEN"
for _ in $(seq 100); do "${client[@]}" pos menu >/dev/null 2>&1 && break; sleep 0.2; done
if ! "${client[@]}" pos menu >/dev/null 2>&1; then
  echo "OrderService did not come up; see .data/logs/order-service*.log" >&2
  exit 1
fi

cat <<TXT

Restaurant is running (location "demo"). Every call needs a device token (see .data/tokens.env):
  export RESTAURANT_SERVER=$RESTAURANT_SERVER
  export RESTAURANT_TOKEN=$POS_TOKEN      # a POS terminal (demo-pos-1)
  menu:           ${client[*]} pos menu
  place an order: ${client[*]} pos place classic-burger*2 french-fries -m "classic-burger=no onion" --watch
  a screen:       ${client[*]} kds --station fryer --token $KITCHEN_TOKEN
  86 an item:     ${client[*]} pos 86 ribeye --token $MANAGER_TOKEN
  metrics:        curl http://127.0.0.1:$metrics_port/metrics (OrderService), :$((metrics_port + 1))/metrics (KitchenWorker)
$(cat <<JSON
  JSON over HTTP: curl -H "authorization: Bearer \$RESTAURANT_TOKEN" http://127.0.0.1:$json_port/v1/locations/demo/menu
                  the API's document and docs page: http://127.0.0.1:$json_port/openapi/v1.json, http://127.0.0.1:$json_port/docs
  a delivery:     body='{"id": "UE-1", "guest": "Sam K.", "items": [{"id": "ue-burger", "quantity": 2}]}'
                  curl -H "X-Uber-Signature: \$(printf '%s' "\$body" | openssl dgst -sha256 -hmac "$UBEREATS_SECRET" | sed 's/.* //')" \\
                    -H "content-type: application/json" -d "\$body" http://127.0.0.1:$json_port/v1/locations/demo/deliveries/ubereats
                  (deliveroo's orders, signed with DELIVEROO_SECRET in X-Deliveroo-Hmac-Sha256, wait for
                  ${client[*]} pos pending / pos accept ORDER_ID / pos deny ORDER_ID --reason "…")
JSON
)

Kitchen screens in a browser: open http://$web_bind:$web_port/pair on the screen, enter its token once:
$(for s in "${demo_stations[@]}"; do v="SCREEN_TOKEN_${s^^}"; printf '  %-8s %s   then http://%s:%s/kds/demo/%s\n' "$s" "${!v}" "$web_bind" "$web_port" "$s"; done)
  guest board: http://$web_bind:$web_port/board/demo (no token)
TXT

if [ "$cluster" = 1 ]; then
  cat <<TXT
A chain on a Redis Cluster: "demo" and store-001 to store-050, two OrderServices behind nginx, two
kitchen workers sharing the stores. The chain's manager may work at any store:
  a store's menu: ${client[*]} pos menu --location store-007 --token $CHAIN_TOKEN
  load on a store: ${client[*]} loadgen --location store-012 --rate 50 --duration 10 --token $CHAIN_TOKEN
  load the chain: ${client[*]} loadgen --locations store-001..store-050 --rate 100 --duration 10 --token $CHAIN_TOKEN
  who routes it:  redis-cli -c -p $cluster_port get 'rst:{store-012}:lease'
TXT
fi

if [ "$sim" = 1 ]; then
  echo "==> rush simulator (log: .data/logs/sim.log)"
  "${client[@]}" sim --terminals 4 --rate 0.5 --duration 3600 >"$root/.data/logs/sim.log" 2>&1 &
  pids+=($!)
fi

if [ "$screen" = 1 ] && [ -t 1 ]; then
  echo "==> kitchen screen for $station (q to quit the screen; Ctrl-C stops everything)"
  sleep 1
  "${client[@]}" kds --station "$station" --token "$KITCHEN_TOKEN" || true
  echo "Screen closed; the service keeps running. Ctrl-C to stop everything."
  wait
elif [ "$screen" = 1 ]; then
  echo "==> tickets at $station (no terminal: printing them as lines)"
  "${client[@]}" kds --station "$station" --plain --token "$KITCHEN_TOKEN" || true
else
  echo "Ctrl-C to stop."
  wait
fi
