#!/bin/sh
# A/B CPU per request of two commits, interleaved so machine noise hits both:
#   bench/ab.sh BEFORE AFTER [sign|count|hello] [N] [ROUNDS]
# Uses the working tree's bench/profile_sign.py against each commit's code.
set -eu
before=$1 after=$2 path=${3:-sign} n=${4:-1500} rounds=${5:-4}
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for c in "$before" "$after"; do
  mkdir -p "$tmp/$c"
  if [ "$c" = WORKTREE ]; then
    cp -r "$root/petition_api" "$root/tests" "$tmp/$c/"
  else
    git -C "$root" archive "$c" petition_api tests | tar -x -C "$tmp/$c"
  fi
  mkdir -p "$tmp/$c/bench" && cp "$root/bench/profile_sign.py" "$tmp/$c/bench/"
done
i=0
while [ $i -lt "$rounds" ]; do
  for c in "$before" "$after"; do
    printf '%s ' "$c"
    (cd "$tmp/$c" && "$root/.venv/bin/python" bench/profile_sign.py "$n" --path "$path" | grep 'profiler off')
  done
  i=$((i + 1))
done
