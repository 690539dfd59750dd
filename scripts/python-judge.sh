#!/usr/bin/env bash
# The python-libjuju judge: the real Python client for Juju (PyPI `juju`, pinned below) drives the
# standalone test controller (examples/test-controller.rs) through tests/python, and reads and
# writes secrets alongside this crate's CLI example (examples/juju-secrets.rs).
#
# Creates the virtualenv .venv (git-ignored) when missing. Extra arguments go to pytest.
# Needs python3 with venv (Debian: apt-get install python3-venv) and network access to PyPI the
# first time.
set -euo pipefail
cd "$(dirname "$0")/.."

JUJU_PYTHON=juju==3.6.1.3
venv=.venv

if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        echo "python-judge: python3 with venv and ensurepip is needed" \
            "(Debian: apt-get install python3-venv)" >&2
        exit 1
    fi
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$JUJU_PYTHON" "pytest>=8"

cargo build --examples --all-features
"$venv/bin/python" -m pytest tests/python "$@"
