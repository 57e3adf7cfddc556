#!/usr/bin/env python3
"""Lists every public symbol of JSRun's modules that has no doc comment of its own.

Usage: check-doc-comments.py --symbol-graphs DIR MODULE...

DIR holds, at any depth, the symbol graphs of the public API: `MODULE.symbols.json` and, for
extensions of other modules' types, `MODULE@OTHER.symbols.json`. `make docs` passes the ones
that DocC's plugin extracts (.build/<triple>/extracted-symbols); those of `swift package
dump-symbol-graph` (.build/<triple>/symbolgraph) work as well. It prints each symbol that lacks
a comment (file:line: module: path) and exits with 1 when there is any, else 0.

The rule. A public or open symbol written in the source needs a doc comment. It is exempt
only when:

- It has no source location: the compiler made it (synthesized `Equatable`, `Hashable` and
  `RawRepresentable` members, an enum's `hashValue`) or the type inherits it from a protocol
  extension (`!=`, `Collection`'s methods); such a default implementation written in JSRun is
  checked where it is written.
- It is an extension block (`extension Int8: JSTypedArrayElement {}`), which DocC's graphs list
  for extensions of other modules' types. The block declares nothing itself: its members are
  checked one by one, and the conformance it adds is listed on the protocol's page.
- It implements a protocol requirement (or overrides a member) that is documented: the symbol
  graph then gives it the requirement's comment, and DocC shows that one. So `==`,
  `hash(into:)`, `description`, Codable's `init(from:)` and `encode(to:)`, the literal
  initialisers and `Collection`'s `startIndex` are documented by the standard library, and each
  `typedArrayKind` by `JSTypedArrayElement`. An implementation of an undocumented requirement
  has no comment at all, and is listed.

Everything else without a comment is listed: enum cases, initialisers, stored properties,
overloads. Nothing is exempted by name. (`@_spi` symbols are not in the graphs, so they are not
checked.) The summary line tells the symbols with a comment of their own from those that
inherit one (a comment is a symbol's own when the first declaration after it in its file is
that symbol's); `--verbose` lists the inherited ones.
"""

import argparse
import glob
import json
import os
import sys
import urllib.parse
from collections import defaultdict


def graph_directory(root, module):
    """The directory under `root` that holds `module`'s symbol graph (the newest, if several)."""
    found = [
        directory
        for directory, _, files in os.walk(root)
        if f"{module}.symbols.json" in files
    ]
    if not found:
        return None
    return max(found, key=lambda d: os.path.getmtime(os.path.join(d, f"{module}.symbols.json")))


def load_graphs(root, modules):
    """Yields (module, symbol) for every symbol of the modules' graphs under `root`."""
    for module in modules:
        directory = graph_directory(root, module)
        if directory is None:
            sys.exit(f"check-doc-comments: no symbol graph for {module} under {root}")
        paths = [os.path.join(directory, f"{module}.symbols.json")]
        paths += sorted(glob.glob(os.path.join(directory, f"{module}@*.symbols.json")))
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
        if symbol.get("accessLevel") not in ("public", "open"):
            continue  # graphs made with a lower minimum access level hold more
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
        text = "".join(line.get("text", "") for line in (comment or {}).get("lines", []))
        if not text.strip():
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
        path = urllib.parse.unquote(urllib.parse.urlparse(symbol["location"]["uri"]).path)
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
