#!/usr/bin/env sh
# Retrains the shipped SFT checkpoint (examples/demo/sft-checkpoint/) from seeds:
#   1. make-sft-data.ts writes data/sft.jsonl from sft-data.json (the task's seeded generators);
#   2. the project's sft pipeline trains sft.yaml (random init seed 3, run seed 5) into run-sft/;
#   3. run-sft/final/ plus sft-data.json become sft-checkpoint/.
# Run from the repository root after `npm run build`. Same machine and backend → the same weights;
# another backend or CPU may differ in the last float bits (summation order), not in behaviour.
set -eu
here=$(dirname "$0")
npx tsx --conditions=@prefstream/source "$here/make-sft-data.ts"
rm -rf "$here/run-sft"
node tools/cli/dist/main.js run "$here/sft.yaml"
rm -rf "$here/sft-checkpoint"
cp -r "$here/run-sft/final" "$here/sft-checkpoint"
cp "$here/sft-data.json" "$here/sft-checkpoint/sft-data.json"
echo "sft checkpoint written to $here/sft-checkpoint"
