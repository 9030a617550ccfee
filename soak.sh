#!/usr/bin/env bash
# The soak: a bounded loop (SOAK_SECONDS, 180 by default) of orders on loopback through random
# worker kills and Redis restarts, ending with the exactly-once invariants and a flat OrderService
# memory. Usage: ./soak.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/prerequisites.sh
. scripts/prerequisites.sh
export SOAK_SECONDS=${1:-${SOAK_SECONDS:-180}}
dotnet build Restaurant.sln -c Release -nologo -v quiet
dotnet test tests/Restaurant.EndToEnd.Tests -c Release --no-build -nologo --filter "Category=Soak" --logger "console;verbosity=detailed"
