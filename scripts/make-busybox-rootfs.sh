#!/bin/sh
# Writes a tar of a minimal root filesystem holding Debian's static busybox and its applet links.
# Usage: scripts/make-busybox-rootfs.sh OUT.tar
# Needs the busybox-static package (/bin/busybox). Import it with: berth import OUT.tar busybox:latest
set -eu
out=${1:?usage: make-busybox-rootfs.sh OUT.tar}
bb=/bin/busybox
[ -x "$bb" ] || { echo "make-busybox-rootfs: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
"$bb" --list >/dev/null 2>&1 || { echo "make-busybox-rootfs: $bb is not a multi-call busybox" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/bin" "$root/etc" "$root/root" "$root/tmp" "$root/var/spool/mail" "$root/home" \
         "$root/proc" "$root/sys" "$root/dev" "$root/usr/bin" "$root/usr/sbin" "$root/sbin"
chmod 1777 "$root/tmp"
cp "$bb" "$root/bin/busybox"
for applet in $("$bb" --list); do
  [ "$applet" = busybox ] && continue
  ln -sf busybox "$root/bin/$applet"
done
cat > "$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
P
cat > "$root/etc/group" <<'G'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:root
mail:x:12:
www-data:x:33:
operator:x:37:
users:x:100:
nogroup:x:65534:
G
tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$out" .
