#!/usr/bin/env bash
# Collector requests/s with wrk, side by side in one run: Journey's pixel (GET /i) and batch
# (POST /v1/batch, 10 events per request) routes, each answered only after the embedded stream
# has durably accepted the events, against a bare ASP.NET Core endpoint that answers 204.
# Journey runs twice: as a whole (the processor applies the events in the same process, on the
# same 2 cores) and as a collector-only node (Processor:Enabled=false).
# A third baseline, the durable floor, is the bare app appending each raw query string or body to
# one preallocated file and answering after a group commit's fdatasync: nothing parsed, checked or
# enriched, so it is what durable acknowledgement alone costs on this machine's disk.
# Each line also gives the server's CPU time per request (user + system, from /proc), steadier
# than req/s on a shared VM.
# Usage: bash tests/benchmarks/collector.sh   (DURATION=20s CONNECTIONS=64 THREADS=2 to change)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
duration="${DURATION:-20s}"
connections="${CONNECTIONS:-64}"
threads="${THREADS:-2}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

dotnet build Journey.Functions.sln -c Release --nologo -v quiet >/dev/null
data="$(mktemp -d)"
app_port=7301
bare_port=7302
collector_port=7303
floor_port=7304
dotnet functions/Journey.Functions/bin/Release/net10.0/Journey.Functions.dll --data "$data" --urls "http://127.0.0.1:$app_port" --Logging:LogLevel:Default=Warning >"$data/app.log" 2>&1 &
app_pid=$!
dotnet tests/Journey.Benchmarks/bin/Release/net10.0/Journey.Benchmarks.dll bare --urls "http://127.0.0.1:$bare_port" >"$data/bare.log" 2>&1 &
bare_pid=$!
mkdir -p "$data/collector-only" "$data/floor"
dotnet tests/Journey.Benchmarks/bin/Release/net10.0/Journey.Benchmarks.dll bare --durable "$data/floor" --urls "http://127.0.0.1:$floor_port" >"$data/floor.log" 2>&1 &
floor_pid=$!
dotnet functions/Journey.Functions/bin/Release/net10.0/Journey.Functions.dll --data "$data/collector-only" --urls "http://127.0.0.1:$collector_port" --Logging:LogLevel:Default=Warning --Processor:Enabled=false >"$data/collector.log" 2>&1 &
collector_pid=$!
trap 'kill $app_pid $bare_pid $collector_pid $floor_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$data"' EXIT

for url in "http://127.0.0.1:$app_port/health" "http://127.0.0.1:$bare_port/i" "http://127.0.0.1:$collector_port/health" "http://127.0.0.1:$floor_port/i"; do
  for _ in $(seq 1 100); do curl -s -o /dev/null "$url" && break; sleep 0.2; done
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system time of a process, in clock ticks

run() { # label file-key url script server-pid -> prints requests/s, latency, the server's CPU per request and errors
  local label="$1" key="$2" url="$3" script="$4" pid="$5"
  wrk -t"$threads" -c"$connections" -d3s -s "tests/benchmarks/$script" "$url" >/dev/null # warm-up
  local before after
  before="$(cpu_ticks "$pid")"
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "tests/benchmarks/$script" "$url" >"$data/$key.txt"
  after="$(cpu_ticks "$pid")"
  local rps p50 p99 errors requests cpu
  rps="$(awk '/Requests\/sec/ {print $2}' "$data/$key.txt")"
  p50="$(awk '$1=="50%" {print $2}' "$data/$key.txt")"
  p99="$(awk '$1=="99%" {print $2}' "$data/$key.txt")"
  requests="$(awk '/requests in/ {print $1}' "$data/$key.txt")"
  cpu="$(awk -v a="$before" -v b="$after" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz * 1e6 / n }')"
  errors="$(grep -E 'Non-2xx|Socket errors' "$data/$key.txt" | tr '\n' ' ' || true)"
  printf '%-30s %12s req/s   p50 %-9s p99 %-9s server CPU %4s us/request %s\n' "$label" "$rps" "$p50" "$p99" "$cpu" "$errors"
  echo "$rps" >"$data/$key.rps"
}

echo "wrk -t$threads -c$connections -d$duration on $(nproc) cores ($(uname -m))"
# the whole journey runs last: its processor goes on applying the backlog after each run
run "bare GET /i (204)" bare-pixel "http://127.0.0.1:$bare_port" pixel.lua "$bare_pid"
run "durable floor GET /i (204)" floor-pixel "http://127.0.0.1:$floor_port" pixel.lua "$floor_pid"
run "collector-only GET /i" collector-pixel "http://127.0.0.1:$collector_port" pixel.lua "$collector_pid"
run "bare POST /v1/batch (204)" bare-batch "http://127.0.0.1:$bare_port" batch.lua "$bare_pid"
run "durable floor POST /v1/batch" floor-batch "http://127.0.0.1:$floor_port" batch.lua "$floor_pid"
run "collector-only POST /v1/batch" collector-batch "http://127.0.0.1:$collector_port" batch.lua "$collector_pid"
run "journey GET /i" journey-pixel "http://127.0.0.1:$app_port" pixel.lua "$app_pid"
run "journey POST /v1/batch" journey-batch "http://127.0.0.1:$app_port" batch.lua "$app_pid"

ratio() { awk -v a="$(cat "$data/$1.rps")" -v b="$(cat "$data/$2.rps")" 'BEGIN { printf "%.2f", a / b }'; }
echo "pixel ratio to bare: collector-only $(ratio collector-pixel bare-pixel), whole journey $(ratio journey-pixel bare-pixel), durable floor $(ratio floor-pixel bare-pixel)"
echo "batch ratio to bare: collector-only $(ratio collector-batch bare-batch), whole journey $(ratio journey-batch bare-batch), durable floor $(ratio floor-batch bare-batch) (each batch request carries 10 events)"
echo "collector-only against the durable floor: pixel $(ratio collector-pixel floor-pixel), batch $(ratio collector-batch floor-batch)"
echo "peak memory: journey $(awk '/VmHWM/ {print $2/1024 " MiB"}' /proc/$app_pid/status), collector-only $(awk '/VmHWM/ {print $2/1024 " MiB"}' /proc/$collector_pid/status), bare $(awk '/VmHWM/ {print $2/1024 " MiB"}' /proc/$bare_pid/status), durable floor $(awk '/VmHWM/ {print $2/1024 " MiB"}' /proc/$floor_pid/status)"
health="$(curl -s "http://127.0.0.1:$app_port/health")"
echo "journey after the run: $health"
