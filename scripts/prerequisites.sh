# Sourced by run.sh and test.sh: installs redis-server when it is missing and checks for the .NET SDK.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v redis-server >/dev/null 2>&1; then
  echo "==> installing redis-server"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is needed (dotnet on PATH): https://learn.microsoft.com/dotnet/core/install/linux" >&2
  exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Redis settings the service is sized for, used wherever a script here starts a redis-server. An
# order's and a ticket's hash each hold a JSON body of several hundred bytes to a few KB; with
# Redis's default (values over 64 bytes make a hash table) each took about twice the memory it takes
# as a listpack, which at a few dozen fields costs no measurable time to search.
redis_settings=(--hash-max-listpack-value 4096)
