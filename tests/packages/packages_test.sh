#!/usr/bin/env bash
# The Debian packages (ctest entry `packages`): scripts/package --no-build
# makes both .deb from the build directory and fails on any lintian error;
# then both are unpacked into a throwaway root (dpkg -x) and the binaries
# from there do a whole round: server init with the packaged form pack, run,
# one device enrolled, a record made and synced, the record on the server.
#   tests/packages/packages_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
src="$(cd "$2" && pwd)"
work="$(mktemp -d /tmp/wardsync-packages-XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; wait "$server_pid" || true; fi
  [[ -n "${WARDSYNC_KEEP_TMP:-}" && "${WARDSYNC_KEEP_TMP}" != 0 ]] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$src/scripts/package" --no-build --build-dir "$build" --out "$work/debs" || fail "scripts/package (see above)"
server_deb=$(ls "$work"/debs/wardsync-server_*.deb)
client_deb=$(ls "$work"/debs/wardsync_*.deb)

# What the packages declare.
server_control="$(dpkg-deb -f "$server_deb")"
client_control="$(dpkg-deb -f "$client_deb")"
grep -q '^Depends:.*libc6' <<<"$server_control" || fail "wardsync-server: no shared-library dependencies: $server_control"
grep -q '^Depends:.*adduser' <<<"$server_control" || fail "wardsync-server does not depend on adduser"
grep -q '^Depends:.*libleveldb' <<<"$client_control" || fail "wardsync: no libleveldb dependency: $client_control"
for deb in "$server_deb" "$client_deb"; do
  dpkg-deb -I "$deb" postinst | grep -q 'adduser --system' || fail "$deb: the postinst makes no system user"
  for script in postinst prerm postrm; do
    dpkg-deb -I "$deb" "$script" >"$work/$script" || fail "$deb: no $script"
    sh -n "$work/$script" || fail "$deb: $script is not valid sh"
  done
done

root="$work/root"
dpkg -x "$server_deb" "$root"
dpkg -x "$client_deb" "$root"
for f in usr/bin/wardsync-server usr/bin/wardsync usr/share/man/man1/wardsync-server.1.gz usr/share/man/man1/wardsync.1.gz \
         usr/share/wardsync/forms/election/voter-meeting.json usr/share/wardsync/forms/election/wards.json \
         usr/lib/systemd/system/wardsync-server.service "usr/lib/systemd/system/wardsync-agent@.service" \
         usr/share/doc/wardsync-server/copyright usr/share/doc/wardsync/changelog.Debian.gz; do
  [[ -e "$root/$f" ]] || fail "/$f is not in the packages"
done
grep -q '^ExecStart=/usr/bin/wardsync-server run --data /var/lib/wardsync-server ' \
  "$root/usr/lib/systemd/system/wardsync-server.service" || fail "the server unit does not run the packaged binary"
zcat "$root/usr/share/man/man1/wardsync-server.1.gz" | grep -q '^cert install' || fail "the server man page lacks the commands"
server="$root/usr/bin/wardsync-server"
client="$root/usr/bin/wardsync"

# A sync between the installed binaries.
"$server" init --data "$work/srv" --forms "$root/usr/share/wardsync/forms/election" >"$work/init.out" ||
  fail "server init"
# The server's log on fd 3: wait for its "listening on" line (an event, not a sleep).
exec 3< <(exec "$server" run --data "$work/srv" --listen 127.0.0.1:0 2>&1)
server_pid=$!
port=""
while IFS= read -r -t 30 -u 3 line; do
  if [[ "$line" == *"listening on "* ]]; then
    port="${line##*listening on 127.0.0.1:}"
    port="${port%% *}"
    break
  fi
done
[[ -n "$port" ]] || fail "the packaged server did not start"
code="$("$server" enroll --data "$work/srv" --ward phuong-trung-vuong --role officer)" || fail "enroll"
"$client" init --data "$work/dev" --server "127.0.0.1:$port" --code "$code" --officer "Nguyễn Văn An" >/dev/null ||
  fail "client init"
id="$("$client" new --data "$work/dev" --form voter-meeting --set candidate=qh-dv1-tran-thi-lan --set place=noi-cu-tru \
      --set meeting_date=2026-11-20 --set invited=120 --set attended=95)" || fail "new record"
synced="$("$client" sync --data "$work/dev" --json)" || fail "sync"
grep -q '"pushed":1' <<<"${synced// /}" || fail "sync pushed no record: $synced"
"$server" records --data "$work/srv" --json | grep -q "\"$id\"" || fail "record $id is not on the server"
kill -TERM "$server_pid"
wait "$server_pid" || fail "the packaged server did not stop cleanly"
server_pid=""
echo "packages: OK (record $id synced between the packaged binaries)"
