# Shared by scripts/demo, scripts/test, scripts/bench, scripts/fuzz:
# install missing Debian packages, configure and build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Every package the build and the suite need (Debian 12 names).
WARDSYNC_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libasio-dev libprotobuf-dev protobuf-compiler libleveldb-dev libsnappy-dev
  libssl-dev catch2 libzstd-dev
  faketime
  libcpp-httplib-dev                          # the officer app's HTTP server (README "Officer app")
  chromium chromium-driver python3-selenium   # its browser tests (tests/ui)
  prometheus-cpp-dev                          # the server's /metrics (server/metrics/)
  prometheus                                  # promtool: checks the /metrics text in the tests
  libqrencode-dev                             # the dashboard's enrollment QR codes (README "Committee dashboard")
  help2man lintian                            # scripts/package: man pages from --help, the packages' check
  libpqxx-dev postgresql-15                   # the PostgreSQL server store (server/store/pg/) and its tests' clusters
)

ensure_packages() {
  local missing=()
  for p in "${WARDSYNC_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "==> installing Debian packages: ${missing[*]}"
    if [[ $(id -u) -ne 0 ]]; then echo "error: run as root to install packages" >&2; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# build DIR [cmake args...]: configure once, then an incremental build.
build() {
  local dir="$1"; shift
  if [[ ! -f "$dir/build.ninja" ]]; then
    cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  fi
  cmake --build "$dir" --parallel "$(nproc)"
}

# build_fuzz TARGET...: the libFuzzer targets (clang-14, ASan + UBSan) in
# build-fuzz/, configured as scripts/fuzz does.
build_fuzz() {
  local dir="$ROOT/build-fuzz"
  ensure_packages clang-14 libfuzzer-14-dev
  if [[ ! -f "$dir/build.ninja" ]]; then
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DWARDSYNC_FUZZ=ON -DWARDSYNC_SANITIZE=ON "${launcher[@]}" >/dev/null
  fi
  cmake --build "$dir" --parallel "$(nproc)" --target "$@"
}
