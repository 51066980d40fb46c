#!/usr/bin/env bash
# The pain-point summarizer on 20,000 texts, through the real commands: the Women's clothing reviews
# imported (`import --preset clothing-reviews`, through the stream and the processor into SQLite, every
# text redacted and stored as a feedback item), then `painpoints` twice over the same period with every
# rating counting as negative (Summarizer__MaxNegativeRating=5), so that all the texts are clustered:
#   first run   every text embedded by the local model (MiniLM), stored with its item, clustered
#   second run  the same texts: embeddings read from the store, nothing embedded again
# Prints the wall time, texts/s and peak memory (max RSS) of each run.
# The file holds 23,486 reviews, 22,641 of them with a text: all are imported (at least the 20,000
# texts the figure is asked for).
# Usage: bash tests/benchmarks/painpoints.sh [reviews.csv.gz]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
file="${1:-$root/../shared/data/reviews/womens_clothing_ecommerce_reviews.csv.gz}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build functions/Journey.Functions -c Release --nologo -v quiet >/dev/null
app=(dotnet functions/Journey.Functions/bin/Release/net10.0/Journey.Functions.dll)

"${app[@]}" import "$file" --preset clothing-reviews --data "$work/data" >"$work/import.log"
tail -n 2 "$work/import.log"

run() { # label -> one line
  local label="$1"
  Summarizer__MaxNegativeRating=5 /usr/bin/time -f '%e %M' -o "$work/time" \
    "${app[@]}" painpoints --data "$work/data" --assignments "$work/assignments.csv" >"$work/painpoints.json" 2>"$work/summary.txt"
  read -r seconds kb <"$work/time"
  local texts
  texts=$(python3 -c 'import csv, sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], encoding="utf-8"))))' "$work/assignments.csv")
  printf '%-11s %6d texts   %7.1f s   %7.0f texts/s   peak memory %5.0f MiB   %s\n' "$label" "$texts" "$seconds" \
    "$(echo "$texts / $seconds" | bc -l)" "$(echo "$kb / 1024" | bc -l)" "$(grep -o '[0-9,]* embedded now, [0-9,]* from earlier runs' "$work/summary.txt")"
}
echo "pain points on $(nproc) cores, $(dotnet --version) SDK"
run "first run"
run "second run"
python3 - "$work/painpoints.json" <<'PY'
import json, sys
documents = json.load(open(sys.argv[1], encoding="utf-8"))
print(f"{len(documents)} documents:", " | ".join(f"{d['label']} ({d['texts']})" for d in documents))
PY
