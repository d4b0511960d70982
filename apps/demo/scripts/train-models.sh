#!/usr/bin/env bash
# Retrains the demo's two pre-trained bundles with the project's own CLI and checks them on the test sets.
#
#   apps/demo/scripts/train-models.sh <data-dir>
#
# <data-dir> holds sst2/{train,dev,test}.csv and chnsenticorp/{train,dev,test}.csv (columns text,label).
# The data is read in place and never copied into the repository. Writes the model packages' bundles
# (models/sentiment-en/model.glossa, models/sentiment-zh/model.glossa; the site serves them as models/*.glossa)
# and prints each bundle's size and test accuracy (`glossa evaluate`). Takes ~15 minutes on 2 cores.
set -euo pipefail

if [ "$#" -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 <data-dir>   (a directory with sst2/ and chnsenticorp/ CSV files)" >&2
  exit 2
fi
data=$(cd "$1" && pwd)
demo=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$demo/../.." && pwd)
models="$repo/models"
cli="$repo/apps/cli/dist/bin.js"

for f in sst2/train.csv sst2/dev.csv sst2/test.csv chnsenticorp/train.csv chnsenticorp/dev.csv chnsenticorp/test.csv; do
  [ -f "$data/$f" ] || { echo "$0: missing $data/$f" >&2; exit 1; }
done
if [ ! -f "$cli" ]; then
  (cd "$repo" && pnpm --filter @glossa/cli... build)
fi

# English: SST-2 sentences (short), word tokens, 8k vocabulary, LSTM(32). Early stopping keeps the best epoch.
node "$cli" train "$data/sst2/train.csv" --validation "$data/sst2/dev.csv" --out "$models/sentiment-en/model.glossa" \
  --arch lstm --epochs 3 --batch-size 64 --max-length 64 --vocab-size 8000 --embedding-dim 32 --units 32 --seed 42

# Chinese: ChnSentiCorp reviews, one token per character (no word segmentation to drift between ICU builds),
# 5k vocabulary, 160 characters, LSTM(32).
node "$cli" train "$data/chnsenticorp/train.csv" --validation "$data/chnsenticorp/dev.csv" --out "$models/sentiment-zh/model.glossa" \
  --arch lstm --tokenizer char --epochs 8 --batch-size 64 --max-length 160 --vocab-size 5000 --embedding-dim 32 --units 32 --seed 42

for pair in "sentiment-en:sst2" "sentiment-zh:chnsenticorp"; do
  model=${pair%%:*}
  set=${pair##*:}
  bytes=$(wc -c < "$models/$model/model.glossa")
  accuracy=$(node "$cli" evaluate "$models/$model/model.glossa" "$data/$set/test.csv" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).accuracy.toFixed(4)))')
  echo "$model/model.glossa: $bytes bytes, test accuracy $accuracy (update models/$model/README.md)"
  if [ "$bytes" -ge 2097152 ]; then
    echo "$0: $model.glossa is over 2 MB; use a smaller --vocab-size or --embedding-dim" >&2
    exit 1
  fi
done
