#!/usr/bin/env bash
# The dashboard as a new user meets it: `--demo` started on a fresh data folder, then the page opened in
# headless Chromium (tests/node/browser-dashboard.mjs) every few seconds until every panel shows data.
# Prints, for each attempt, the seconds since the app was started and the panels still empty; then, once
# all are full, the milliseconds from navigation to every panel drawn at desktop and phone width (three
# loads each), and the size and time of each response the page reads.
# Needs what the test command installs: Chromium (apt) and tests/node's npm packages.
# Usage: bash tests/benchmarks/dashboard.sh [port]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
port="${1:-7191}"
url="http://127.0.0.1:$port"
work="$(mktemp -d)"
dotnet build functions/Journey.Functions -c Release --nologo -v quiet >/dev/null
started=$(date +%s.%N)
dotnet functions/Journey.Functions/bin/Release/net10.0/Journey.Functions.dll --demo --data "$work/data" --urls "$url" >"$work/app.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT

empty() { # -> the names of the panels without data, or "" when all have some
  node tests/node/browser-dashboard.mjs "$url/" "$work" "$1" 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);if(r.errors.length)console.error(r.errors.join("\n"));console.log(Object.entries(r.panels).filter(([,v])=>!v).map(([k])=>k).join(" "))})' \
    || echo "(page not reachable yet)"
}

while :; do
  missing="$(empty 1200)"
  printf '%6.1f s after start: %s\n' "$(echo "$(date +%s.%N) - $started" | bc)" "${missing:-every panel has data}"
  [ -z "$missing" ] && break
  sleep 2
done

for width in 1200 390; do
  for run in 1 2 3; do
    node tests/node/browser-dashboard.mjs "$url/" "$work" "$width" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);const w=Object.keys(r.allPanelsMs)[0];console.log(`width ${w} px: every panel drawn ${r.allPanelsMs[w]} ms after navigation`)})'
  done
done

for path in / /api/overview /api/metrics/latest "/api/actions?limit=1000" "/api/rates/periods?since=$(date -u -d "-400 days" +%F)" /api/painpoints/latest /health; do
  curl -s -o /dev/null -w "%{http_code} %{size_download} bytes %{time_total} s  GET $path\n" "$url$path"
done
