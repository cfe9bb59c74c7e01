#!/bin/sh
# SPDX-License-Identifier: ISC
# Set up a fresh checkout: install missing build packages (Debian, as root),
# generate the build system, and run configure with any arguments given.
#   ./autogen.sh [configure options]
set -e
cd "$(dirname "$0")"

# Debian packages the build and the test suite need.
packages="build-essential autoconf automake pkg-config libncurses-dev \
libtermkey-dev libcmocka-dev tmux mandoc procps"

missing=
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $packages; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$status" in
		*" installed") ;;
		*) missing="$missing $p" ;;
		esac
	done
fi

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "autogen.sh: missing build packages:$missing" >&2
		echo "Install them, then run ./autogen.sh again:" >&2
		echo "  sudo apt-get install -y$missing" >&2
		exit 1
	fi
	echo "autogen.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends$missing
fi

autoreconf --install --force
./configure "$@"
