#!/usr/bin/env bash
# Headless Chromium for the report's browser tests. Source this file, then
# call ensure_chromium: it installs Debian's chromium package with apt-get
# when the browser is missing. The tests start it themselves (headless, no
# sandbox, off the network, with a fresh profile); under CI=true a missing
# browser fails them.

ensure_chromium() {
	if ! command -v chromium >/dev/null 2>&1; then
		echo "== installing Chromium"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	fi
	echo "== $(chromium --version 2>/dev/null | head -n 1)"
}
