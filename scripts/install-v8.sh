#!/usr/bin/env bash
# Installs libnode's V8 10.2 for JSRun, idempotently, and checks what it installed.
#
#   headers     /usr/local/include/jsrun-v8/        (a folder of their own)
#   library     /usr/local/lib/libnode.so.108 (+ libnode.so link)
#   pkg-config  /usr/local/lib/pkgconfig/jsrun-v8.pc
#
# Why not `apt-get install libnode-dev`: on these machines Node 20 comes from another vendor's
# `nodejs` package, which libnode-dev's dependencies conflict with, and which owns
# /usr/include/node (V8 11.3 headers). Building against those and linking V8 10.2 crashes at
# run time, so this script never puts /usr/include/node on an include path.
# See ../shared/v8/NOTES.md.
set -euo pipefail

PREFIX=${JSRUN_V8_PREFIX:-/usr/local}
INCLUDE_DIR="$PREFIX/include/jsrun-v8"
LIB_DIR="$PREFIX/lib"
PC_DIR="$LIB_DIR/pkgconfig"
PC_FILE="$PC_DIR/jsrun-v8.pc"
EXPECTED_MAJOR=10
RUNTIME_DEPS=(libuv1 libc-ares2 libicu72 libnghttp2-14 libbrotli1 libssl-dev pkg-config)

log() { printf 'install-v8: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The header that says which V8 the pkg-config file points at.
header_major() {
    sed -n 's/^#define V8_MAJOR_VERSION \([0-9]*\).*/\1/p' "$INCLUDE_DIR/v8-version.h" 2>/dev/null
}

verify() {
    local cflags major
    PKG_CONFIG_PATH="$PC_DIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" pkg-config --exists jsrun-v8 || return 1
    cflags=$(PKG_CONFIG_PATH="$PC_DIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" pkg-config --cflags jsrun-v8)
    case " $cflags " in *"/usr/include/node"*) die "jsrun-v8.pc points at /usr/include/node (V8 11.3)";; esac
    major=$(header_major)
    [ "$major" = "$EXPECTED_MAJOR" ] || return 1
    [ -e "$LIB_DIR/libnode.so.108" ] && [ -e "$LIB_DIR/libnode.so" ] || return 1
    ldconfig -p | grep -q 'libnode.so.108 ' || return 1
    for lib in libuv.so.1 libcares.so.2 libicuuc.so.72 libnghttp2.so.14 libbrotlienc.so.1; do
        ldconfig -p | grep -q "$lib" || return 1
    done
    return 0
}

if verify; then
    log "V8 $(PKG_CONFIG_PATH="$PC_DIR" pkg-config --modversion jsrun-v8) already installed (headers in $INCLUDE_DIR)"
    exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (it installs Debian packages and writes to $PREFIX)"

export DEBIAN_FRONTEND=noninteractive
log "installing runtime dependencies: ${RUNTIME_DEPS[*]}"
apt-get update -qq
apt-get install -y -qq "${RUNTIME_DEPS[@]}" >/dev/null

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
chmod 755 "$scratch"
chown _apt "$scratch" 2>/dev/null || true  # apt-get download runs as _apt and writes here
log "downloading libnode108 and libnode-dev"
(cd "$scratch" && apt-get download libnode108 libnode-dev >/dev/null)
for deb in "$scratch"/*.deb; do dpkg-deb -x "$deb" "$scratch/root"; done

[ -f "$scratch/root/usr/include/node/v8.h" ] || die "libnode-dev has no usr/include/node/v8.h"
so=$(find "$scratch/root" -name 'libnode.so.108' | head -n 1)
[ -n "$so" ] || die "libnode108 has no libnode.so.108"

log "installing headers into $INCLUDE_DIR"
rm -rf "$INCLUDE_DIR"
mkdir -p "$INCLUDE_DIR" "$PC_DIR"
cp -a "$scratch/root/usr/include/node/." "$INCLUDE_DIR/"
install -m 0644 "$(readlink -f "$so")" "$LIB_DIR/libnode.so.108"
ln -sf libnode.so.108 "$LIB_DIR/libnode.so"
ldconfig

version=$(awk '/^#define V8_(MAJOR_VERSION|MINOR_VERSION|BUILD_NUMBER|PATCH_LEVEL) / {print $3}' \
    "$INCLUDE_DIR/v8-version.h" | paste -sd. -)
cat >"$PC_FILE" <<EOF
prefix=$PREFIX
includedir=$INCLUDE_DIR
libdir=$LIB_DIR

Name: jsrun-v8
Description: V8 $version from Debian's libnode108, for JSRun
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lnode
EOF

verify || die "the installed V8 did not verify (pkg-config, headers or libnode.so.108)"
log "installed V8 $version (pkg-config jsrun-v8)"
