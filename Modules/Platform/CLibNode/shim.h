// CJSRunLibNode: libnode's V8 10.2, found through pkg-config `jsrun-v8` (see scripts/install-v8.sh).
// Only CJSRunV8 includes V8's C++ headers; this system-library target exists to carry the include
// path and the `-lnode` link flag. Its header is deliberately empty of V8 declarations.
#pragma once
