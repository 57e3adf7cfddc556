#!/usr/bin/env bash
# Installs libnode's V8 10.2 for JSRun, idempotently, and checks what it installed.
#
#   bash scripts/install-v8.sh                  as root: into /usr/local
#   bash scripts/install-v8.sh --prefix DIR     into DIR (no root needed when DIR is yours)
#   bash scripts/install-v8.sh --check          only checks; exit 0 when installed, 1 when not
#
# JSRUN_V8_PREFIX=DIR is the same as --prefix DIR. What it installs, under the prefix:
#
#   headers     include/jsrun-v8/               (a folder of their own)
#   library     lib/libnode.so.<108|109> (+ libnode.so link)
#   pkg-config  lib/pkgconfig/jsrun-v8.pc
#
# Where it works: Debian 12 (libnode108) and Ubuntu 24.04 (libnode109): both are Node 18, whose
# V8 is 10.2. As root it installs the libraries libnode needs with apt-get; without root it
# checks that they are there and says which apt-get command installs them when they are not.
#
# Why not `apt-get install libnode-dev`: on machines where Node 20 comes from another vendor's
# `nodejs` package, libnode-dev's dependencies conflict with it, and that package owns
# /usr/include/node (V8 11.3 headers). Building against those and linking V8 10.2 crashes at
# run time, so this script never puts /usr/include/node on an include path. It downloads the
# two packages and unpacks them instead.
set -euo pipefail

log() { printf 'install-v8: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() { die "usage: install-v8.sh [--prefix DIR] [--check]"; }

PREFIX=${JSRUN_V8_PREFIX:-/usr/local}
CHECK_ONLY=0
while [ $# -gt 0 ]; do
    case "$1" in
    --prefix) [ $# -ge 2 ] || usage; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#--prefix=}; shift ;;
    --check) CHECK_ONLY=1; shift ;;
    *) usage ;;
    esac
done
case "$PREFIX" in /*) ;; *) PREFIX="$(pwd)/$PREFIX" ;; esac

INCLUDE_DIR="$PREFIX/include/jsrun-v8"
LIB_DIR="$PREFIX/lib"
PC_DIR="$LIB_DIR/pkgconfig"
PC_FILE="$PC_DIR/jsrun-v8.pc"
EXPECTED_MAJOR=10

# Which packages this system calls them: libnode's soname, and what libnode needs at run time.
distribution() {
    local id="" version=""
    if [ -r /etc/os-release ]; then
        id=$(. /etc/os-release && echo "${ID:-}")
        version=$(. /etc/os-release && echo "${VERSION_ID:-}")
    fi
    case "$id $version" in
    "debian 12")
        SONAME=108
        RUNTIME_DEPS=(libuv1 libc-ares2 libicu72 libnghttp2-14 libbrotli1 libssl3 zlib1g)
        ;;
    "ubuntu 24.04")
        SONAME=109
        RUNTIME_DEPS=(libuv1t64 libc-ares2 libicu74 libnghttp2-14 libbrotli1 libssl3t64 zlib1g)
        ;;
    *)
        die "this script knows Debian 12 and Ubuntu 24.04, not '${id:-unknown} ${version:-}':" \
            "install libnode's V8 10.2 headers and library by hand (docs/Deployment.md says what JSRun needs)"
        ;;
    esac
    BUILD_DEPS=(pkg-config)
}

pkg_config() { PKG_CONFIG_PATH="$PC_DIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" pkg-config "$@"; }

# The header that says which V8 the pkg-config file points at.
header_major() {
    sed -n 's/^#define V8_MAJOR_VERSION \([0-9]*\).*/\1/p' "$INCLUDE_DIR/v8-version.h" 2>/dev/null
}

# Whether the dynamic linker finds this directory without help (ldconfig's cache or defaults).
in_linker_path() {
    local dir
    dir=$(readlink -f "$1")
    ldconfig -p 2>/dev/null | grep -q " => $dir/libnode.so.$SONAME\$"
}

verify() {
    local cflags so="$LIB_DIR/libnode.so.$SONAME"
    command -v pkg-config >/dev/null || return 1
    pkg_config --exists jsrun-v8 || return 1
    cflags=$(pkg_config --cflags jsrun-v8)
    case " $cflags " in *"/usr/include/node"*) die "jsrun-v8.pc points at /usr/include/node (V8 11.3)" ;; esac
    [ "$(header_major)" = "$EXPECTED_MAJOR" ] || return 1
    [ -e "$so" ] && [ -e "$LIB_DIR/libnode.so" ] || return 1
    # Every library libnode needs resolves (ldd names the missing ones "not found").
    ! ldd "$so" 2>/dev/null | grep -q 'not found' || return 1
    # Installed by root, programs find libnode through the linker's cache (ldconfig).
    [ "$(id -u)" != 0 ] || in_linker_path "$LIB_DIR" || return 1
    return 0
}

# The runtime libraries that are missing, as package names (for the message without root).
missing_runtime_deps() {
    local package
    for package in "${RUNTIME_DEPS[@]}" "${BUILD_DEPS[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || echo "$package"
    done
}

distribution

if verify; then
    log "V8 $(pkg_config --modversion jsrun-v8) already installed (headers in $INCLUDE_DIR)"
    [ "$PREFIX" = /usr/local ] || log "builds find it with PKG_CONFIG_PATH=$PC_DIR"
    exit 0
fi
[ "$CHECK_ONLY" = 0 ] || { log "V8 is not installed under $PREFIX"; exit 1; }

export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = 0 ]; then
    log "installing runtime dependencies: ${RUNTIME_DEPS[*]} ${BUILD_DEPS[*]}"
    apt-get update -qq
    apt-get install -y -qq "${RUNTIME_DEPS[@]}" "${BUILD_DEPS[@]}" >/dev/null
else
    missing=$(missing_runtime_deps | paste -sd' ' -)
    [ -z "$missing" ] || die "libnode needs packages that are not installed; as root: apt-get install $missing"
    mkdir -p "$PREFIX" 2>/dev/null && [ -w "$PREFIX" ] ||
        die "$PREFIX is not writable: run as root, or name a prefix of yours (--prefix \$HOME/.local)"
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
chmod 755 "$scratch"
[ "$(id -u)" != 0 ] || chown _apt "$scratch" 2>/dev/null || true # as root, apt-get download runs as _apt
log "downloading libnode$SONAME and libnode-dev"
(cd "$scratch" && apt-get download "libnode$SONAME" libnode-dev >/dev/null) ||
    die "apt-get download libnode$SONAME libnode-dev failed (are the package lists there? as root: apt-get update)"
for deb in "$scratch"/*.deb; do dpkg-deb -x "$deb" "$scratch/root"; done

[ -f "$scratch/root/usr/include/node/v8.h" ] || die "libnode-dev has no usr/include/node/v8.h"
so=$(find "$scratch/root" -name "libnode.so.$SONAME" | head -n 1)
[ -n "$so" ] || die "libnode$SONAME has no libnode.so.$SONAME"

log "installing headers into $INCLUDE_DIR"
rm -rf "$INCLUDE_DIR"
mkdir -p "$INCLUDE_DIR" "$PC_DIR"
cp -a "$scratch/root/usr/include/node/." "$INCLUDE_DIR/"
install -m 0644 "$(readlink -f "$so")" "$LIB_DIR/libnode.so.$SONAME"
ln -sf "libnode.so.$SONAME" "$LIB_DIR/libnode.so"
if [ "$(id -u)" = 0 ]; then
    ldconfig
    # A prefix outside the linker's path gets a line of its own in ld.so.conf.d.
    in_linker_path "$LIB_DIR" || { echo "$LIB_DIR" >/etc/ld.so.conf.d/jsrun-v8.conf && ldconfig; }
fi

version=$(awk '/^#define V8_(MAJOR_VERSION|MINOR_VERSION|BUILD_NUMBER|PATCH_LEVEL) / {print $3}' \
    "$INCLUDE_DIR/v8-version.h" | paste -sd. -)
cat >"$PC_FILE" <<EOF
prefix=$PREFIX
includedir=$INCLUDE_DIR
libdir=$LIB_DIR

Name: jsrun-v8
Description: V8 $version from libnode$SONAME, for JSRun
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lnode
EOF

verify || die "the installed V8 did not verify (pkg-config, headers or libnode.so.$SONAME)"
log "installed V8 $version (pkg-config jsrun-v8)"
if [ "$(id -u)" != 0 ] || [ "$PREFIX" != /usr/local ]; then
    log "builds find it with PKG_CONFIG_PATH=$PC_DIR"
    in_linker_path "$LIB_DIR" || log "programs find libnode at run time with LD_LIBRARY_PATH=$LIB_DIR" \
        "(or link with: swift build -Xlinker -rpath -Xlinker $LIB_DIR)"
fi
