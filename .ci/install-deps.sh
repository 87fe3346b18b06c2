#!/usr/bin/env bash
# Installs everything qosland needs to build, test and run its VM test bed, from
# Debian only: bookworm main, plus bookworm-backports for libbpf-dev 1.4 and
# bpftool 7.5 (bookworm's libbpf 1.1 predates the user ring buffer helpers qosland
# relies on), and QEMU 10: with bookworm's QEMU 7.2, multi-threaded TCG now and
# then runs stale code after the guest kernel patches itself (as it does each
# time a sched_ext scheduler is enabled or disabled) and the guest dies of
# "Oops: int3"; see tests/vm/run-vm.sh.
# Idempotent: a second run installs nothing and takes a few seconds.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root (it installs Debian packages with apt-get)." >&2
  exit 1
fi

main_pkgs=(
  build-essential cmake ninja-build pkg-config git python3
  clang-19 llvm-19 libclang-rt-19-dev
  libelf-dev zlib1g-dev libzstd-dev
  libcli11-dev libspdlog-dev libfmt-dev libconcurrentqueue-dev
  libbenchmark-dev libgtest-dev libgmock-dev nlohmann-json3-dev
  busybox-static cpio zstd gzip
  stress-ng rt-tests gnuplot-nox procps util-linux
  ca-certificates
)
bp_pkgs=(libbpf-dev bpftool qemu-system-x86)

missing=()
for p in "${main_pkgs[@]}" "${bp_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# libbpf-dev must come from backports (>= 1.4): bookworm's 1.1 is too old.
if dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null | grep -q '^1:1\.[0-3]\.'; then
  missing+=(libbpf-dev)
fi
if dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null | grep -q '^1:[0-7]\.'; then
  missing+=(qemu-system-x86)
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is already installed."
  exit 0
fi

bp_list=/etc/apt/sources.list.d/bookworm-backports.list
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo 'deb http://deb.debian.org/debian bookworm-backports main' > "$bp_list"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${main_pkgs[@]}"
apt-get install -y -q --no-install-recommends -t bookworm-backports "${bp_pkgs[@]}"
echo "install-deps: done."
