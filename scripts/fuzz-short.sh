#!/usr/bin/env bash
# Bounded fuzzing (issue 10 item 4): every cargo-fuzz target of the repository runs for
# FUZZ_SECONDS seconds (default 30) from a scratch copy of its committed seed corpus; a crash,
# a timeout or a memory blow-up fails the script, and libFuzzer leaves the input under
# crates/*/fuzz/artifacts/.
#
#   scripts/fuzz-short.sh                      # CI: 30 s per target
#   FUZZ_SECONDS=1800 scripts/fuzz-short.sh    # the longer run of docs/RELIABILITY.md
#   scripts/fuzz-short.sh updates              # one target
#
# cargo-fuzz passes nightly-only flags (-Zsanitizer=address …) to rustc; RUSTC_BOOTSTRAP=1
# lets the stable toolchain accept them. cargo-fuzz is installed if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${FUZZ_SECONDS:-30}"
TARGETS=(
  "crates/storekeep-predicate parse"
  "crates/storekeep-core drafts"
  "crates/storekeep-core updates"
)

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1

# The fuzz crates are workspaces of their own, built with other flags than the main one:
# under a CI-wide target directory they get a subdirectory, else their own fuzz/target.
TARGET_DIR_ARGS=()
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  TARGET_DIR_ARGS=(--target-dir "$CARGO_TARGET_DIR/fuzz")
  unset CARGO_TARGET_DIR
fi

RAN=0
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

for entry in "${TARGETS[@]}"; do
  read -r dir target <<<"$entry"
  if [ "$#" -gt 0 ] && [[ " $* " != *" $target "* ]]; then
    continue
  fi
  corpus="$SCRATCH/$target"
  mkdir -p "$corpus"
  cp "$dir/fuzz/corpus/$target"/seed-* "$corpus/"
  echo "== cargo fuzz run $target (${SECONDS_PER_TARGET}s, $(ls "$corpus" | wc -l) seeds)"
  (cd "$dir" && cargo fuzz run "${TARGET_DIR_ARGS[@]}" "$target" "$corpus" -- \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
  RAN=$((RAN + 1))
done
[ "$RAN" -gt 0 ] || { echo "fuzz-short: no target named $*" >&2; exit 2; }
echo "== fuzzing: no crash in $RAN targets × ${SECONDS_PER_TARGET}s"
