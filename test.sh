#!/usr/bin/env bash
# Builds Restaurant and runs every test against a real redis-server (the tests start their own on a
# free loopback port). Installs redis-server when it is missing. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

# shellcheck source=scripts/prerequisites.sh
. scripts/prerequisites.sh

echo "==> building"
dotnet build Restaurant.sln -c Release -nologo -v quiet

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
echo "==> testing"
status=0
dotnet test Restaurant.sln -c Release --no-build -nologo --filter "Category!=Soak" --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run failed without a failed test (a crashed test host, a build error): count it.
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
