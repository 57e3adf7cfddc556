#!/usr/bin/env bash
# Creates the Python virtual environment that peers.py runs in, at Benchmarks/peers/.venv,
# with the peer libraries the benchmarks compare JSRun against: jsrun 0.3.0 (the reference
# Python library), mini-racer (latest) and psutil. Idempotent: an existing venv that already
# has the packages is reused as it is.
#
# Run: bash Benchmarks/peers/setup.sh   (from anywhere; installs python3-venv with apt-get
# if `python3 -m venv` is missing, which needs root on Debian)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
packages=("jsrun==0.3.0" "mini-racer" "psutil")

# Debian splits venv (and its bundled pip) out of python3 itself.
ensure_venv_module() {
    if python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' >/dev/null 2>&1; then
        return
    fi
    echo "setup.sh: installing python3-venv with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
}

# True when the venv exists and imports every peer library.
venv_ready() {
    [[ -x "$venv/bin/python" ]] &&
        "$venv/bin/python" -c 'import jsrun, py_mini_racer, psutil' >/dev/null 2>&1 &&
        [[ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("jsrun"))')" == "0.3.0" ]]
}

if venv_ready; then
    echo "setup.sh: reusing $venv" >&2
else
    ensure_venv_module
    [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "${packages[@]}"
fi

echo "setup.sh: peers' venv at $venv (python: $venv/bin/python)"
