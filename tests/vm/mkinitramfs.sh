#!/usr/bin/env bash
# Builds the VM test bed's initramfs: static busybox, qosland and the
# workloads with every shared library they need (at the paths ldd names),
# the guest scripts, and /init.
#   mkinitramfs.sh BUILD_DIR OUTPUT.cpio.gz
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: mkinitramfs.sh BUILD_DIR OUTPUT}" && pwd)
out=${2:?usage: mkinitramfs.sh BUILD_DIR OUTPUT}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib,etc,proc,sys,dev,tmp,run,root,scenarios}
chmod 0755 "$root"  # mktemp made it 0700: users other than root could not reach anything
chmod 1777 "$root/tmp"

cp /bin/busybox "$root/bin/busybox"
for b in qosland; do install -m 0755 "$build/cli/$b" "$root/usr/bin/$b"; done
for b in hog frame_pipeline pingpong runas setsched spawner tagself; do install -m 0755 "$build/tests/workloads/$b" "$root/usr/bin/$b"; done
tools=(stress-ng cyclictest hackbench bpftool)
for t in "${tools[@]}"; do
  p=$(command -v "$t" || true)
  [ -n "$p" ] || { echo "mkinitramfs: $t is missing (run .ci/install-deps.sh)" >&2; exit 1; }
  install -m 0755 "$p" "$root/usr/bin/$t"
done

# Shared libraries, at the paths the dynamic loader will look for them.
for bin in "$root"/usr/bin/*; do
  ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*' || true
done | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

# libqosland, where an installed copy would be (/usr/lib is searched by
# default): tagself links it without a path into the build tree.
cp -a "$build"/core/libqosland.so* "$root/usr/lib/"

cp "$here"/guest/*.sh "$root/scenarios/"
install -m 0755 "$here/guest/init" "$root/init"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

( cd "$root" && find . -print0 | cpio --null -o -H newc --quiet ) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out ($(du -h "$out" | cut -f1))"
