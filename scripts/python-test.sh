#!/usr/bin/env bash
# The Python package as a user gets it: build the wheel with maturin, install it in a
# scratch virtualenv, run its pytest suite. Run by .ci/run; needs Python 3.9+ with venv and
# pip, and PyPI (maturin, pytest, pandas). The virtualenv and the wheel live in a temporary
# directory ($PY_VENV to keep and reuse a virtualenv between runs).
#
# CLAIMEX_BIN (default: target/debug/claimex, built by `cargo test`) lets the suite compare
# the package's records and tables with what the command-line tool writes.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv=${PY_VENV:-$work/venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check "maturin>=1.7,<2" pytest pandas

"$venv/bin/maturin" build --quiet --release --locked -m python/Cargo.toml -o "$work/dist"
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$work"/dist/claimex-*.whl

bin=${CLAIMEX_BIN:-target/debug/claimex}
if [ -x "$bin" ]; then
  export CLAIMEX_BIN=$PWD/$bin
  case $bin in /*) export CLAIMEX_BIN=$bin ;; esac
else
  echo "note: $bin not built; the comparison with the command-line tool is skipped" >&2
  unset CLAIMEX_BIN
fi
# From the repository root, so that python/claimex (the sources, without the native
# module) is not what `import claimex` finds: the installed wheel is under test.
"$venv/bin/pytest" -q -p no:cacheprovider python/tests
