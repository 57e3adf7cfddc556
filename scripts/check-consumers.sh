#!/usr/bin/env bash
# Builds throw-away packages that depend on this one by path, as a user's would, and checks what
# a user would meet (`make test` runs it; `make consumers` alone):
#
#   collide       has targets of its own named Platform, Convert and Isolate, and uses JSRun:
#                 it builds (SwiftPM target names are global across a package graph)
#   convert-only  imports only JSRunConvert: its binary does not link libnode (ldd)
#   isolate-only  imports only JSRunIsolate: it neither resolves nor builds SwiftNIO
#
# Each runs its program and checks what it prints. The packages live in a temporary folder.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SWIFT=${SWIFT:-swift}
# A path dependency's identity is its folder's name.
SDK=$(basename "$ROOT")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jsrun-consumers.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

passed=0
failed=0
fail() { echo "consumers: $1: $2" >&2; failed=$((failed + 1)); }
pass() { echo "consumers: $1: ok"; passed=$((passed + 1)); }

# manifest NAME DEPENDENCY-PRODUCTS TARGETS: a package with one executable `App` and more targets.
manifest() {
    cat <<EOF
// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "$1",
    dependencies: [.package(path: "$ROOT")],
    targets: [
        .executableTarget(name: "App", dependencies: [$2]),
$3
    ]
)
EOF
}

# build NAME: builds the package's App; prints the build log on failure.
build() {
    if ! (cd "$WORK/$1" && "$SWIFT" build --product App >"$WORK/$1.log" 2>&1); then
        tail -n 30 "$WORK/$1.log" >&2
        return 1
    fi
}

run_app() { (cd "$WORK/$1" && "$("$SWIFT" build --show-bin-path)/App"); }

# --- collide: a user's own Platform, Convert and Isolate beside JSRun's modules.
mkdir -p "$WORK/collide/Sources/"{App,Platform,Convert,Isolate}
manifest collide ".product(name: \"JSRun\", package: \"$SDK\"), \"Platform\", \"Convert\", \"Isolate\"" '
        .target(name: "Platform"),
        .target(name: "Convert"),
        .target(name: "Isolate"),' >"$WORK/collide/Package.swift"
for name in Platform Convert Isolate; do
    echo "public let mine$name = \"$name\"" >"$WORK/collide/Sources/$name/$name.swift"
done
cat >"$WORK/collide/Sources/App/main.swift" <<'EOF'
import Convert
import Isolate
import JSRun
import Platform

let runtime = try Runtime()
defer { runtime.close() }
let sum = try runtime.eval("[1, 2, 3].reduce((a, b) => a + b)", as: Int.self)
print(minePlatform, mineConvert, mineIsolate, sum, JSRunVersion.current)
EOF
if build collide; then
    out=$(run_app collide)
    expected="Platform Convert Isolate 6 $(sed -n 's/^## \([0-9.]*\).*/\1/p' "$ROOT/CHANGELOG.md" | head -n 1)"
    [ "$out" = "$expected" ] && pass collide || fail collide "printed '$out', not '$expected'"
else
    fail collide "a package with targets named Platform, Convert and Isolate does not build"
fi

# --- convert-only: JavaScript values without V8.
mkdir -p "$WORK/convert-only/Sources/App"
manifest convert-only ".product(name: \"JSRunConvert\", package: \"$SDK\")" "" >"$WORK/convert-only/Package.swift"
cat >"$WORK/convert-only/Sources/App/main.swift" <<'EOF'
import JSRunConvert

let value: JSValue = ["answer": 42, "list": [1, "two", nil]]
let back = try JSValue(v8Serialized: try value.v8Serialized())
print(back == value, back)
EOF
if build convert-only; then
    bin="$(cd "$WORK/convert-only" && "$SWIFT" build --show-bin-path)/App"
    out=$(run_app convert-only)
    if ldd "$bin" | grep -q libnode; then
        fail convert-only "links libnode: $(ldd "$bin" | grep libnode)"
    elif [ "${out%% *}" != true ]; then
        fail convert-only "printed '$out'"
    else
        pass convert-only
    fi
else
    fail convert-only "a package that uses only JSRunConvert does not build"
fi

# --- isolate-only: a runtime, and no SwiftNIO resolved or built.
mkdir -p "$WORK/isolate-only/Sources/App"
manifest isolate-only ".product(name: \"JSRunIsolate\", package: \"$SDK\")" "" >"$WORK/isolate-only/Package.swift"
cat >"$WORK/isolate-only/Sources/App/main.swift" <<'EOF'
import JSRunIsolate

let runtime = try Runtime()
defer { runtime.close() }
print(try runtime.eval("'isolate ' + (6 * 7)", as: String.self))
EOF
if build isolate-only; then
    out=$(run_app isolate-only)
    built_nio=$(find "$WORK/isolate-only/.build" -name 'NIO*.swiftmodule' -o -name 'NIO*.build' | head -n 1)
    if grep -qi 'swift-nio' "$WORK/isolate-only/Package.resolved" 2>/dev/null; then
        fail isolate-only "resolves SwiftNIO (Package.resolved)"
    elif [ -n "$built_nio" ]; then
        fail isolate-only "builds SwiftNIO: $built_nio"
    elif [ "$out" != "isolate 42" ]; then
        fail isolate-only "printed '$out'"
    else
        pass isolate-only
    fi
else
    fail isolate-only "a package that uses only JSRunIsolate does not build"
fi

echo "consumers: $passed passed, $failed failed"
[ "$failed" = 0 ]
