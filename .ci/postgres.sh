#!/usr/bin/env bash
# Throwaway PostgreSQL for the storage tests. Source this file, then call
# start_postgres: it installs PostgreSQL with apt-get when initdb is missing,
# runs initdb as a non-root user (initdb refuses root) in a temporary
# directory, listens on 127.0.0.1 on a free port, exports
# LENDCORE_TEST_POSTGRES_DSN, and stops the server and removes the directory
# when the calling shell exits.
#
# fsync is off: the database is thrown away, and CI time matters. Set
# LENDCORE_PG_FSYNC=on to benchmark with durable commits.

pg_bindir() {
	local d
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		if [[ -x "$d/initdb" ]]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

pg_free_port() {
	local port
	for port in $(seq $((54320 + RANDOM % 1000)) 59999); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

start_postgres() {
	local bin user dir port
	if ! bin="$(pg_bindir)"; then
		echo "== installing PostgreSQL"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
		bin="$(pg_bindir)"
	fi

	# initdb and postgres refuse to run as root: use the postgres account
	# (created by the package), or a user of our own.
	user="$(id -un)"
	if [[ "$(id -u)" == 0 ]]; then
		user=postgres
		if ! id "$user" >/dev/null 2>&1; then
			user=lendcore-pg
			id "$user" >/dev/null 2>&1 || useradd --system --no-create-home "$user"
		fi
	fi
	as_pg() { if [[ "$(id -un)" == "$user" ]]; then "$@"; else runuser -u "$user" -- "$@"; fi; }

	dir="$(mktemp -d /tmp/lendcore-pg.XXXXXX)"
	chown "$user" "$dir"
	port="$(pg_free_port)"
	PG_CI_DIR="$dir" PG_CI_BIN="$bin" PG_CI_USER="$user"
	export PG_CI_DIR PG_CI_BIN PG_CI_USER
	trap stop_postgres EXIT

	as_pg "$bin/initdb" -D "$dir/data" -U lendcore --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		return 1
	}
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
		-o "-h 127.0.0.1 -p $port -k $dir -c fsync=${LENDCORE_PG_FSYNC:-off} -c max_connections=200" >/dev/null || {
		cat "$dir/server.log" >&2
		return 1
	}
	export LENDCORE_TEST_POSTGRES_DSN="postgres://lendcore@127.0.0.1:$port/postgres?sslmode=disable"
	echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

stop_postgres() {
	[[ -n "${PG_CI_DIR:-}" && -d "$PG_CI_DIR" ]] || return 0
	if [[ "$(id -un)" == "$PG_CI_USER" ]]; then
		"$PG_CI_BIN/pg_ctl" -D "$PG_CI_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
	else
		runuser -u "$PG_CI_USER" -- "$PG_CI_BIN/pg_ctl" -D "$PG_CI_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$PG_CI_DIR"
	unset PG_CI_DIR
}
