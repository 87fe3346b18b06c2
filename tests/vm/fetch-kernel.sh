#!/usr/bin/env bash
# Fetches a Debian kernel built with CONFIG_SCHED_CLASS_EXT=y from trixie-backports
# into a cache, without touching the system's apt sources, and prints the path of
# its vmlinuz. Usage: fetch-kernel.sh PACKAGE   (e.g. linux-binary-7.3.4+deb13-amd64)
# Cache: ${QOSLAND_CACHE:-$HOME/.cache/qosland}/kernels/PACKAGE/
set -euo pipefail

pkg=${1:?usage: fetch-kernel.sh PACKAGE}
cache=${QOSLAND_CACHE:-$HOME/.cache/qosland}
dest=$cache/kernels/$pkg
find_vmlinuz() {
  find "$dest/root" \( -path '*/boot/vmlinuz-*' -o -path '*/usr/lib/modules/*/vmlinuz' \) -type f 2>/dev/null | head -n1
}

if [ -f "$dest/.done" ]; then
  find_vmlinuz
  exit 0
fi

apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$dest"
printf 'deb http://deb.debian.org/debian trixie-backports main\ndeb http://deb.debian.org/debian trixie main\n' > "$apt_dir/sources.list"
apt_opts=(-o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
          -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache::Archives="$apt_dir/archives"
          -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
# Refresh the private index at most once a day.
if [ -z "$(find "$apt_dir/lists" -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
  apt-get "${apt_opts[@]}" update -q >&2
fi
( cd "$dest" && apt-get "${apt_opts[@]}" download "$pkg" >&2 )
deb=$(ls "$dest"/*.deb | head -n1)
rm -rf "$dest/root"
dpkg-deb -x "$deb" "$dest/root"
rm -f "$deb"
vmlinuz=$(find_vmlinuz)
if [ -z "$vmlinuz" ]; then
  echo "fetch-kernel: $pkg has no vmlinuz" >&2
  exit 1
fi
touch "$dest/.done"
echo "$vmlinuz"
