# Sourced by the benchmarks: a free loopback port, the load-test device with the settings that
# point the services at a Redis and a data folder, and the cleanup that stops what a benchmark
# started (the processes in pids, newest first) and removes its work folder.

pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1; }

# bench_environment WORK REDIS_PORT: a manager device whose limits do not get in the way of the load
# (its token in $token, its entry in WORK/devices.json), and the services' settings exported.
bench_environment() {
  token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  cat >"$1/devices.json" <<JSON
{ "Restaurant": { "Devices": [
  { "Id": "bench", "Role": "manager", "Location": "*", "TokenSha256": "$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)",
    "RequestsPerSecond": 1000000, "Burst": 1000000, "MaxStreams": 100000 }
] } }
JSON
  export ConnectionStrings__Redis="127.0.0.1:$2"
  export Restaurant__Locations__DataPath="$root/data/locations"
  export Restaurant__DevicesFile="$1/devices.json"
  bin=Release/net10.0
}
