#!/usr/bin/env bash
# Installs REDbot 2.7.1 (the HTTP lint; its CLI is `redbot`) in a virtual environment of its own and
# prints the path of its `redbot` command; a second run reuses it. Debian's python3 (3.11 on bookworm)
# is preferred to whatever else is first on PATH, so CI and a fresh machine use the same one; its venv
# module comes with the python3-venv package (.ci/run installs it when missing).
# Usage: install-redbot.sh [DIR]   (default: ${XDG_CACHE_HOME:-~/.cache}/nylon-redbot)
set -euo pipefail
version=2.7.1
dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/nylon-redbot}
redbot="$dir/bin/redbot"
if [ -x "$redbot" ] && [ "$(cat "$dir/.installed" 2>/dev/null)" = "$version" ]; then echo "$redbot"; exit 0; fi
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
if ! "$py" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "install-redbot.sh: $py has no venv/ensurepip module (on Debian: apt-get install python3-venv)" >&2
  exit 2
fi
rm -rf "$dir"
"$py" -m venv "$dir"
"$dir/bin/pip" install --quiet --disable-pip-version-check "redbot==$version" >&2
"$redbot" --help >/dev/null
echo "$version" > "$dir/.installed"
echo "$redbot"
