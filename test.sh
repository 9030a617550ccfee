#!/usr/bin/env bash
# Builds Restaurant and runs every test against a real redis-server (the tests start their own on a
# free loopback port), the browser tests in Debian's chromium. Installs redis-server and chromium
# when they are missing. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

# shellcheck source=scripts/prerequisites.sh
. scripts/prerequisites.sh

# The browser tests drive Debian's chromium (Playwright's own browser download cannot work here);
# a kiosk's first JSON order is placed with curl.
if [ ! -x /usr/bin/chromium ] || ! command -v curl >/dev/null 2>&1; then
  echo "==> installing chromium and curl (for the browser and JSON tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium curl >/dev/null
fi

echo "==> building"
dotnet build Restaurant.sln -c Release -nologo -v quiet

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
echo "==> testing"
status=0
# Minimal console output: a failed test's message and its own captured output, not every passing line.
dotnet test Restaurant.sln -c Release --no-build -nologo --filter "Category!=Soak" --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@" || status=$?

# A suite's shared Redis is stopped when its test host exits; a host that the runner ends by force
# runs no exit handler, so any test Redis still running (its folder is a restaurant-redis-* temp
# folder) is killed here, also one a fault test left frozen (SIGSTOP), which ignores a plain kill.
for pid in $(pgrep -x redis-server || true); do
  case "$(readlink "/proc/$pid/cwd" 2>/dev/null)" in
    "${TMPDIR:-/tmp}"/restaurant-redis-*) kill -KILL "$pid" 2>/dev/null || true ;;
  esac
done

# The end of the run: each suite's counts, each failed test with the first line of its message, then
# the one line CI reads.
echo "==> summary"
passed=0
failed=0
failures=""
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  # sed, not head: head would leave grep writing into a closed pipe (SIGPIPE under pipefail).
  suite=$( (grep -o 'storage="[^"]*"' "$trx" || true) | sed -n '1s/.*\/\([^/]*\)\.dll"/\1/Ip')
  counters=$( (grep -o '<Counters [^>]*>' "$trx" || true) | sed -n '1p')
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  echo "  ${suite:-tests}: ${p:-0} passed, ${f:-0} failed"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  failures+=$(awk '
    /<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); want = 1 }
    want == 1 && /<Message>/ { sub(/.*<Message>/, ""); printf "  FAILED %s\n", name; want = 2; shown = 0 }
    want == 2 { done = sub(/<\/Message>.*/, ""); if (length($0) > 0) { printf "         %s\n", substr($0, 1, 300); shown++ } if (done || shown == 3) want = 0 }
  ' "$trx" | sed 's/&quot;/"/g; s/&apos;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g')
  failures+=$'\n'
done
if [ -n "${failures//[$'\n ']/}" ]; then
  echo "==> failed tests"
  printf '%s' "$failures" | sed '/^$/d'
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run failed without a failed test (a crashed test host, a build error): count it.
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
