#!/bin/bash
# tools/deps.sh - install the Debian packages the build and tests need, only
# when something is missing (called by make deps / check / bench / demo).
set -euo pipefail
PKGS=(gcc make clang libclang-rt-14-dev llvm binutils iproute2 iputils-ping
      dnsmasq-base tgt libiscsi-bin
      qemu-system-x86 ipxe-qemu nasm syslinux syslinux-common mtools dosfstools
      linux-image-amd64 busybox-static cpio python3
      makedumpfile crash liblzo2-dev
      kexec-tools open-iscsi grub-pc-bin
      debhelper dpkg-dev fakeroot lintian systemd dash
      initramfs-tools e2fsprogs libc6-dev
      gnu-efi ovmf grub-efi-amd64-bin ipxe gdisk)
# the one-node Ceph cluster and the RBD gateways of tests/lib/ceph.sh,
# without recommends (no dashboard, no cephadm)
BARE=(ceph-mon ceph-mgr ceph-osd ceph-common tgt-rbd)
missing=()
bare=()
for p in "${BARE[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null \
		|| bare+=("$p")
done
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null \
		|| missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && [ ${#bare[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages (${missing[*]} ${bare[*]}); run as root to install" >&2
	exit 1
fi
echo "deps: installing ${missing[*]} ${bare[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
[ ${#missing[@]} -eq 0 ] || apt-get install -y -q "${missing[@]}"
[ ${#bare[@]} -eq 0 ] || apt-get install -y -q --no-install-recommends "${bare[@]}"
