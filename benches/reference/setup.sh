#!/usr/bin/env bash
# Creates the Python environment for the reference pipelines (pandas + statsmodels,
# Polars) at target/bench-venv and prints its python. Safe to run again: it does
# nothing when the venv already holds the pinned versions.
# Never used by the tests; only by the benchmark's reference runs.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/../../target/bench-venv"
python="${PYTHON:-python3}"

# Pinned: the direct dependencies and what they pull in, so every run builds the same env.
pins=(
  "numpy==2.4.6"
  "pandas==3.1.1"
  "statsmodels==0.15.0"
  "polars==2.1.0"
  # pulled in by the four above
  "polars-runtime-32==2.1.0"
  "scipy==1.17.1"
  "patsy==1.0.3"
  "formulaic==1.2.2"
  "interface_meta==2.0.1"
  "narwhals==2.29.0"
  "packaging==26.4"
  "python-dateutil==4.0.0"
  "typing_extensions==4.16.0"
  "tzdata==2026.6"
  "wrapt==2.5.2"
)

have_pins() {
  [ -x "$venv/bin/python" ] || return 1
  "$venv/bin/python" - "${pins[@]}" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    try:
        if version(name) != want:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
}

if have_pins; then
  echo "bench-venv: already set up with ${pins[*]}" >&2
else
  if [ ! -x "$venv/bin/python" ]; then
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
  have_pins || { echo "bench-venv: the pinned versions did not install" >&2; exit 1; }
fi

venv_abs="$(cd "$venv" && pwd)"
echo "$venv_abs/bin/python"
