#!/usr/bin/env bash
# Pain-point quality through the real commands, with the shipping settings: the SemEval-2016 negative
# restaurant sentences (each labelled with its aspect) imported with the generic reviews format, then
# `painpoints --assignments`; the clusters are scored against the aspects (adjusted Rand index and NMI,
# arithmetic mean as scikit-learn's default; "other" counts as one more cluster), and each pain point
# is printed with its label and its most common aspect.
# (The labelled comparison of the methods themselves is `Journey.Benchmarks painpoints-quality`.)
# Usage: bash tests/benchmarks/painpoints-quality.sh [semeval csv]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
file="${1:-$root/../shared/data/reviews/semeval2016_restaurants_negative.csv}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build functions/Journey.Functions -c Release --nologo -v quiet >/dev/null
app=(dotnet functions/Journey.Functions/bin/Release/net10.0/Journey.Functions.dll)
yesterday="$(date -u -d yesterday +%Y-%m-%d)"

# The file has no customer, rating or time: one customer per sentence, rated 1, written yesterday.
python3 - "$file" "$work/reviews.csv" "$work/labels.csv" "$yesterday" <<'PY'
import csv, sys
src, out, labels, day = sys.argv[1:5]
with open(src, newline='', encoding='utf-8') as f, open(out, 'w', newline='', encoding='utf-8') as o, open(labels, 'w', newline='', encoding='utf-8') as l:
    w, lw = csv.writer(o), csv.writer(l)
    w.writerow(['customer', 'text', 'rating', 'time']); lw.writerow(['text', 'aspect'])
    for i, row in enumerate(csv.DictReader(f)):
        w.writerow([f'semeval-{i}', row['text'], 1, f'{day}T12:00:00Z']); lw.writerow([row['text'], row['aspect']])
PY
"${app[@]}" import "$work/reviews.csv" --format reviews-csv --map customer=customer,text=text,rating=rating,time=time --data "$work/data" >/dev/null
"${app[@]}" painpoints --since "$yesterday" --until "$yesterday" --assignments "$work/assignments.csv" --data "$work/data" >"$work/painpoints.json" 2>"$work/summary.txt"
cat "$work/summary.txt" | tail -n 1

python3 - "$work/labels.csv" "$work/assignments.csv" <<'PY'
import csv, sys, math
from collections import Counter
aspect = {}
for row in csv.DictReader(open(sys.argv[1], encoding='utf-8')): aspect.setdefault(row['text'], row['aspect'])
rows = list(csv.DictReader(open(sys.argv[2], encoding='utf-8')))
truth = [aspect.get(r['text'], '?') for r in rows]
pred = [r['cluster'] for r in rows]
n = len(rows)
def comb(x): return x * (x - 1) / 2
pairs = Counter(zip(truth, pred)); a = Counter(truth); b = Counter(pred)
index = sum(comb(v) for v in pairs.values()); ea = sum(comb(v) for v in a.values()); eb = sum(comb(v) for v in b.values())
expected = ea * eb / comb(n); ari = (index - expected) / ((ea + eb) / 2 - expected)
def h(c): return -sum(v / n * math.log(v / n) for v in c.values())
mi = sum(v / n * math.log(v * n / (a[t] * b[p])) for (t, p), v in pairs.items())
nmi = mi / ((h(a) + h(b)) / 2)
unmatched = sum(1 for t in truth if t == '?')
print(f"SemEval-2016 negative sentences: {n} texts ({unmatched} not matched to a label), {len(a)} aspects, {len(b)} clusters (other included): ARI {ari:.3f}, NMI {nmi:.3f}")
labels = {r['cluster']: r['label'] for r in rows}
for c, size in sorted(b.items(), key=lambda kv: -kv[1]):
    top = Counter(t for t, p in zip(truth, pred) if p == c).most_common(2)
    print(f"  {labels[c]:<40} {size:>4} texts   {', '.join(f'{t} {k}' for t, k in top)}")
PY
