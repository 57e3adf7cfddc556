// Guards against inputs that V8 10.2 aborts the process on, whatever the embedder does: they are
// refused with a RangeError before V8 sees them. Each is a wrapper around a builtin, installed on
// the context's prototypes before any script runs, that checks the size of the work and calls
// the original (held in a closure, out of scripts' reach).
//
// - Array.prototype.fill over an object or array in dictionary mode is a C++ loop that never
//   checks for termination (builtins-array.cc, GenericArrayFill): it grows a NumberDictionary
//   until V8 aborts, "invalid table size" past HashTable's largest capacity (about 44.7 million
//   entries, so a fill of more than about 22 million), or "Reached heap limit" first when the
//   runtime has a limit, since the termination cannot land. `new Array(2 ** 32 - 1).fill(0)`
//   does it at any heap limit, or none. A fill of more than 2^24 elements is refused (no fast
//   array that fits a heap limit of 128 MiB or less is that long).
// - String.prototype.split into more parts than a FixedArray can hold (FixedArray::kMaxLength,
//   134,217,726 on this build) aborts in Factory::NewFixedArray ("Fatal JavaScript invalid size
//   error"): `'a'.repeat(2 ** 27).split('')`. Such a split is refused.
#include "internal.h"

namespace {

const char kGuardsSource[] = R"JS((function () {
  'use strict';
  const { apply } = Reflect;
  const fill = Array.prototype.fill, split = String.prototype.split, indexOf = String.prototype.indexOf;
  const toObject = Object, RangeErrorOf = RangeError, splitSymbol = Symbol.split;
  const { trunc, max, min } = Math;
  const maxFill = 2 ** 24;
  const maxParts = 2 ** 27 - 2 ** 12;

  const toInteger = (value) => { const n = +value; return n !== n ? 0 : trunc(n); };
  const toLength = (value) => { const n = toInteger(value); return n <= 0 ? 0 : min(n, 2 ** 53 - 1); };
  const relative = (index, length) => (index < 0 ? max(length + index, 0) : min(index, length));

  const guarded = {
    fill(value) {
      if (this === undefined || this === null) return apply(fill, this, arguments);
      const object = toObject(this);
      const length = toLength(object.length);
      const start = relative(toInteger(arguments[1]), length);
      const end = arguments[2] === undefined ? length : relative(toInteger(arguments[2]), length);
      if (end - start > maxFill)
        throw new RangeErrorOf(`Array.prototype.fill of ${end - start} elements is refused: ` +
          `more than ${maxFill} at once can abort the process in this V8`);
      return apply(fill, object, [value, start, end]);
    },
    split(separator, limit) {
      if (this === undefined || this === null) return apply(split, this, arguments);
      if (separator !== undefined && separator !== null) {
        const splitter = separator[splitSymbol];
        if (splitter !== undefined && splitter !== null) return apply(splitter, separator, [this, limit]);
      }
      const text = `${this}`;
      const most = limit === undefined ? 2 ** 32 - 1 : limit >>> 0;
      if (separator === undefined || most === 0) return apply(split, text, [separator, most]);
      const by = `${separator}`;
      let parts = by.length === 0 ? text.length : min(trunc(text.length / by.length) + 1, most);
      if (parts > maxParts && by.length > 0) {
        parts = 1;
        for (let at = apply(indexOf, text, [by, 0]); at !== -1 && parts <= maxParts;
             at = apply(indexOf, text, [by, at + by.length])) parts++;
      }
      parts = min(parts, most);
      if (parts > maxParts)
        throw new RangeErrorOf(`String.prototype.split into ${parts} parts is refused: ` +
          `more than one array can hold in this V8`);
      return apply(split, text, [by, most]);
    },
  };
  for (const [holder, name] of [[Array.prototype, 'fill'], [String.prototype, 'split']]) {
    Object.defineProperty(holder, name, { value: guarded[name], writable: true, enumerable: false, configurable: true });
  }
}))JS";

}  // namespace

bool cv8::install_guards(cv8_isolate *state, v8::Local<v8::Context> context) {
    v8::Isolate *isolate = state->isolate;
    v8::ScriptOrigin origin(isolate, v8::String::NewFromUtf8Literal(isolate, "jsrun:guards"));
    v8::Local<v8::String> source = v8::String::NewFromUtf8Literal(isolate, kGuardsSource);
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> install;
    return v8::Script::Compile(context, source, &origin).ToLocal(&script) && script->Run(context).ToLocal(&install) &&
           install->IsFunction() &&
           !install.As<v8::Function>()->Call(context, v8::Undefined(isolate), 0, nullptr).IsEmpty();
}
