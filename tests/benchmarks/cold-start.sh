#!/usr/bin/env bash
# Custom-handler cold start, the part Journey owns: from the host starting the executable that
# host.json names (FUNCTIONS_CUSTOMHANDLER_PORT set, no arguments, working folder = the package)
# to /health answering, then the first Event Hubs invocation (the host's payload from the tests'
# fixtures, 4 events through the journey fold into SQLite) and the first pixel request, each timed
# from the client. Three packages side by side:
#   framework-dependent  `dotnet Journey.Functions.dll`, the runtime installed apart (the previous layout)
#   self-contained       linux-x64 with the runtime inside, every method compiled by the JIT at first call
#   self-contained R2R   `dotnet publish` as azd runs it: the same, precompiled (PublishReadyToRun)
# The host's own start, the package mount and the network are not in these figures.
# Usage: bash tests/benchmarks/cold-start.sh   (RUNS=10 to change)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
runs="${RUNS:-10}"
fixture="tests/Journey.Functions.Tests/Invocations/Fixtures/process-events-json-arrays.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build Journey.Functions.sln -c Release --nologo -v quiet >/dev/null
publish() { dotnet publish functions/Journey.Functions -c Release --nologo -v quiet -o "$work/$1" "${@:2}" >/dev/null; }
publish framework-dependent -p:SelfContained=false -p:PublishReadyToRun=false
publish self-contained -p:PublishReadyToRun=false
publish self-contained-r2r

now_ms() { echo $(($(date +%s%N) / 1000000)); }

measure() { # label folder command... -> one line: medians of start-to-healthy, first invocation, first pixel
  local label="$1" folder="$2"
  shift 2
  local healthy=() invocation=() pixel=()
  for run in $(seq 1 "$runs"); do
    local port=$((7400 + run)) data="$work/data-$run"
    local started
    started="$(now_ms)"
    (cd "$folder" && FUNCTIONS_CUSTOMHANDLER_PORT="$port" Storage__DataDirectory="$data" Logging__LogLevel__Default=Warning exec "$@") >"$work/app.log" 2>&1 &
    local pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do
      kill -0 "$pid" 2>/dev/null || { echo "$label: the app exited:" >&2; cat "$work/app.log" >&2; exit 1; }
      sleep 0.005
    done
    local ready t0 t1
    ready="$(now_ms)"
    healthy+=($((ready - started)))
    t0="$(now_ms)"
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary "@$fixture" "http://127.0.0.1:$port/ProcessEvents"
    t1="$(now_ms)"
    invocation+=($((t1 - t0)))
    t0="$(now_ms)"
    curl -sf -o /dev/null "http://127.0.0.1:$port/i?k=journey-local&aid=cold&e=Product%20Viewed"
    t1="$(now_ms)"
    pixel+=($((t1 - t0)))
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -rf "$data"
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
  printf '%-22s %6s MB   healthy %5s ms   first invocation %5s ms   first pixel %4s ms   (medians of %s runs)\n' \
    "$label" "$(du -sm "$folder" | cut -f1)" "$(median "${healthy[@]}")" "$(median "${invocation[@]}")" "$(median "${pixel[@]}")" "$runs"
}

echo "cold start on $(nproc) cores, $(dotnet --version) SDK"
measure "framework-dependent" "$work/framework-dependent" dotnet Journey.Functions.dll
measure "self-contained" "$work/self-contained" ./Journey.Functions
measure "self-contained R2R" "$work/self-contained-r2r" ./Journey.Functions
