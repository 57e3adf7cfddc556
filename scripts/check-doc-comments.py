#!/usr/bin/env python3
"""Lists every public symbol of JSRun's modules that has no doc comment of its own.

Usage: check-doc-comments.py --symbol-graphs DIR MODULE...

DIR holds the symbol graphs that `swift package dump-symbol-graph --minimum-access-level public
--skip-synthesized-members` writes (.build/<triple>/symbolgraph): `MODULE.symbols.json` and, for
extensions of other modules' types, `MODULE@OTHER.symbols.json`. `make docs` runs it. It exits
with 1 when any symbol lacks a comment, printing each one (file:line: module: path), else 0.

The rule. A public or open symbol needs a doc comment of its own when it was written in the
source. It is exempt only when:

- It has no source location: the compiler made it (synthesized `Equatable`, `Hashable` and
  `RawRepresentable` members, an enum's `hashValue`) or it is a protocol extension's default
  implementation that the type inherits (`!=`, `Collection`'s methods).
- It is an extension block (`extension Int8: JSTypedArrayElement {}`). The block declares
  nothing itself: its members are checked one by one, and the conformance it adds is listed on
  the protocol's page.
- Its comment is inherited: it implements a protocol requirement (or overrides a member) whose
  declaration carries the comment, which the symbol graph then gives the implementation too.
  So `==`, `hash(into:)`, `description`, Codable's `init(from:)` and `encode(to:)`, literal
  initialisers and `Collection`'s `startIndex` are documented by their protocols, and a
  type's `typedArrayKind` by `JSTypedArrayElement`. A comment counts as inherited when the
  declaration it is attached to (the first symbol after it in its file) is another one.

Everything else without its own comment is listed: enum cases, memberwise-looking `init`s
written by hand, stored properties, overloads. Nothing is exempted by name.
"""

import argparse
import glob
import json
import os
import sys
from collections import defaultdict


def load_graphs(directory, modules):
    """Yields (module, symbol) for every symbol of the modules' graphs in `directory`."""
    for module in modules:
        paths = [os.path.join(directory, f"{module}.symbols.json")]
        paths += sorted(glob.glob(os.path.join(directory, f"{module}@*.symbols.json")))
        if not os.path.exists(paths[0]):
            sys.exit(f"check-doc-comments: no symbol graph for {module} in {directory}")
        for path in paths:
            with open(path, encoding="utf-8") as file:
                graph = json.load(file)
            for symbol in graph["symbols"]:
                yield module, symbol


def line_of(symbol):
    return symbol["location"]["position"]["line"]


def comment_span(comment):
    lines = [line["range"] for line in comment.get("lines", []) if "range" in line]
    if not lines:
        return None
    return lines[0]["start"]["line"], lines[-1]["end"]["line"]


def classify(symbols):
    """Splits the documentable symbols into (own comment, inherited comment, no comment)."""
    located = {}
    for module, symbol in symbols:
        if "location" in symbol and symbol["kind"]["identifier"] != "swift.extension":
            located.setdefault(symbol["identifier"]["precise"], (module, symbol))
    # Declaration lines per file, to find the declaration a comment is attached to.
    declarations = defaultdict(set)
    for _, symbol in symbols:
        if "location" in symbol:
            declarations[symbol["location"]["uri"]].add(line_of(symbol))

    def owns(symbol, comment):
        span = comment_span(comment)
        if comment.get("uri") != symbol["location"]["uri"] or span is None:
            return False  # a comment of another file, or of another module (which has no ranges)
        after = [line for line in declarations[comment["uri"]] if line > span[1]]
        return bool(after) and min(after) == line_of(symbol)

    own, inherited, missing = [], [], []
    for module, symbol in located.values():
        comment = symbol.get("docComment")
        if not comment or not any(line.get("text", "").strip() for line in comment.get("lines", [])):
            missing.append((module, symbol))
        elif owns(symbol, comment):
            own.append((module, symbol))
        else:
            inherited.append((module, symbol))
    return own, inherited, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbol-graphs", required=True, help="directory of *.symbols.json")
    parser.add_argument("--verbose", action="store_true", help="also list inherited comments")
    parser.add_argument("modules", nargs="+", help="module names (JSRunConvert ...)")
    arguments = parser.parse_args()

    root = os.getcwd()
    symbols = list(load_graphs(arguments.symbol_graphs, arguments.modules))
    own, inherited, missing = classify(symbols)

    def describe(entry):
        module, symbol = entry
        path = symbol["location"]["uri"].removeprefix("file://")
        path = os.path.relpath(path, root) if path.startswith(root + os.sep) else path
        name = "/".join(symbol["pathComponents"])
        kind = symbol["kind"]["displayName"].lower()
        return f"{path}:{line_of(symbol) + 1}: {module}: {name} ({kind})"

    order = lambda entry: (entry[1]["location"]["uri"], line_of(entry[1]))
    if arguments.verbose:
        for entry in sorted(inherited, key=order):
            print(f"{describe(entry)} inherits its requirement's comment")
    for entry in sorted(missing, key=order):
        print(f"{describe(entry)} has no doc comment")
    total = len(own) + len(inherited) + len(missing)
    print(
        f"check-doc-comments: {len(missing)} of {total} public symbols lack a doc comment "
        f"({len(own)} have their own, {len(inherited)} inherit their protocol's)"
    )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
