#!/usr/bin/env bash
# Installs Neovim from Debian (0.7.2 on Debian 12) for the editor test, unless
# an nvim is already on PATH. Needs root (CI runs as root) and no stdin.
set -euo pipefail

if command -v nvim >/dev/null 2>&1; then
	exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "deps-nvim: nvim is missing; install it with: sudo apt-get install -y neovim" >&2
	exit 1
fi
echo "deps-nvim: installing neovim from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null
apt-get install -y -qq --no-install-recommends neovim </dev/null >/dev/null
nvim --version | head -1 >&2
