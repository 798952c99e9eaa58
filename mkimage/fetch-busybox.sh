#!/bin/bash
# fetch-busybox.sh CACHE_DIR — print the path of the pinned busybox binary (riscv64, static),
# downloading the pinned Debian package into CACHE_DIR first if it is not there yet.
#
# The .deb comes through a private apt configuration under CACHE_DIR/apt (Debian trixie,
# riscv64), whose mirror is read from this machine's own apt sources at run time; the
# system's apt configuration is never changed. Whatever the source, the .deb must match the
# sha256 in mkimage/busybox.pin. A copy already in the linux-ref tool's cache
# (SOCKEYE_LINUX_REF_CACHE) is reused when its sha256 matches, to save the download.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${1:?usage: fetch-busybox.sh CACHE_DIR}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

pin() { sed -n "s/^$1=//p" "$HERE/busybox.pin"; }
PKG=$(pin package); VERSION=$(pin version); SHA=$(pin sha256)
[ -n "$PKG" ] && [ -n "$VERSION" ] && [ -n "$SHA" ] || { echo "fetch-busybox: bad busybox.pin" >&2; exit 1; }
FILEVER=${VERSION#*:}                       # the pool file name drops the epoch
DEB="$CACHE/${PKG}_${FILEVER}_riscv64.deb"
OUT="$CACHE/busybox-$FILEVER"

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA" ]; }

if ! sha_ok "$DEB"; then
    rm -f "$DEB"
    ref=${SOCKEYE_LINUX_REF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sockeye-linux-ref}/debs
    for f in "$ref/${PKG}_${FILEVER}_riscv64.deb" "$ref/${PKG}_${VERSION/:/%3a}_riscv64.deb"; do
        if sha_ok "$f"; then cp "$f" "$DEB.tmp" && mv "$DEB.tmp" "$DEB"; break; fi
    done
fi

if ! sha_ok "$DEB"; then
    A="$CACHE/apt"
    if [ ! -f "$A/apt.conf" ]; then
        mirror=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
                 | grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -1 || true)
        [ -n "$mirror" ] || { echo "fetch-busybox: no Debian mirror in the system's apt sources" >&2; exit 1; }
        mkdir -p "$A"/{state/lists/partial,cache/archives/partial,etc/apt.conf.d,etc/preferences.d,etc/trusted.gpg.d,etc/sources.list.d}
        : > "$A/state/status"
        echo "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} trixie main" > "$A/etc/sources.list"
        cat > "$A/apt.conf.tmp" <<CONF
Dir::State "$A/state";
Dir::State::status "$A/state/status";
Dir::Cache "$A/cache";
Dir::Etc "$A/etc";
Dir::Etc::sourcelist "$A/etc/sources.list";
Dir::Etc::sourceparts "$A/etc/sources.list.d";
Dir::Etc::Parts "$A/etc/apt.conf.d";
Dir::Etc::preferencesparts "$A/etc/preferences.d";
Dir::Etc::TrustedParts "$A/etc/trusted.gpg.d";
APT::Architecture "riscv64";
APT::Architectures { "riscv64"; };
APT::Sandbox::User "root";
Acquire::Languages "none";
CONF
        mv "$A/apt.conf.tmp" "$A/apt.conf"
    fi
    export APT_CONFIG="$A/apt.conf"
    echo "fetch-busybox: downloading $PKG=$VERSION (riscv64)" >&2
    apt-get -q update >/dev/null
    tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
    (cd "$tmp" && apt-get -q download "$PKG=$VERSION" >/dev/null) || {
        rm -rf "$tmp"
        echo "fetch-busybox: $PKG=$VERSION is not in the archive any more; move the pin (mkimage/busybox.pin)" >&2
        exit 1
    }
    mv "$tmp"/*.deb "$DEB"
    rm -rf "$tmp"
    sha_ok "$DEB" || { echo "fetch-busybox: $DEB does not match the pinned sha256" >&2; rm -f "$DEB"; exit 1; }
fi

if [ ! -x "$OUT/busybox" ] || [ "$OUT/busybox" -ot "$DEB" ]; then
    rm -rf "$OUT" "$OUT.tmp" && mkdir -p "$OUT.tmp"
    dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$OUT.tmp" ./usr/bin/busybox
    mkdir -p "$OUT" && mv "$OUT.tmp/usr/bin/busybox" "$OUT/busybox" && rm -rf "$OUT.tmp"
fi
echo "$OUT/busybox"
