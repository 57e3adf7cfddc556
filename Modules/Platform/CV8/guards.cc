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

#include <mutex>

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
  // No loop and no helper: a function that the install calls is compiled in every isolate.
  const property = { writable: true, enumerable: false, configurable: true };
  Object.defineProperty(Array.prototype, 'fill', { ...property, value: guarded.fill });
  Object.defineProperty(String.prototype, 'split', { ...property, value: guarded.split });
}))JS";

// The guards' compiled code, made by the first isolate that compiles them and used by every
// later one: compiling the script was most of what the guards cost a new runtime (0.2 ms of
// about 2). The source is this file's constant, so V8's own check of the code (its version, its
// flags, the source's length) is all the check it needs. Never destroyed: runtime threads may
// still start while the process exits (as modules.cc's cache).
class GuardsCode {
  public:
    std::shared_ptr<const std::string> get() {
        std::lock_guard<std::mutex> guard(lock_);
        return code_;
    }

    void set(std::shared_ptr<const std::string> code) {
        std::lock_guard<std::mutex> guard(lock_);
        code_ = std::move(code);
    }

  private:
    std::mutex lock_;
    std::shared_ptr<const std::string> code_;
};

GuardsCode &guards_code() {
    static GuardsCode *shared = new GuardsCode();
    return *shared;
}

// The guards' script, from the shared code when there is, else compiled (and its code shared
// from then on). The functions the script makes are compiled when they are first called.
v8::MaybeLocal<v8::Script> compile_guards(v8::Isolate *isolate, v8::Local<v8::Context> context) {
    v8::ScriptOrigin origin(isolate, v8::String::NewFromUtf8Literal(isolate, "jsrun:guards"));
    v8::Local<v8::String> text = v8::String::NewFromUtf8Literal(isolate, kGuardsSource);
    if (std::shared_ptr<const std::string> code = guards_code().get()) {
        // `code` outlives the Source, which holds the bytes without owning them.
        v8::ScriptCompiler::Source source(text, origin,
                                          new v8::ScriptCompiler::CachedData(
                                              reinterpret_cast<const uint8_t *>(code->data()),
                                              static_cast<int>(code->size())));
        v8::MaybeLocal<v8::Script> script =
            v8::ScriptCompiler::Compile(context, &source, v8::ScriptCompiler::kConsumeCodeCache);
        // V8 compiled the source instead (it cannot reject code of its own process, but then the
        // next isolate makes the code anew).
        if (source.GetCachedData()->rejected) guards_code().set(nullptr);
        return script;
    }
    v8::ScriptCompiler::Source source(text, origin);
    v8::Local<v8::Script> script;
    if (!v8::ScriptCompiler::Compile(context, &source).ToLocal(&script)) return {};
    std::unique_ptr<v8::ScriptCompiler::CachedData> made(
        v8::ScriptCompiler::CreateCodeCache(script->GetUnboundScript()));
    if (made)
        guards_code().set(std::make_shared<const std::string>(reinterpret_cast<const char *>(made->data),
                                                              static_cast<size_t>(made->length)));
    return script;
}

}  // namespace

bool cv8::install_guards(cv8_isolate *state, v8::Local<v8::Context> context) {
    v8::Isolate *isolate = state->isolate;
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> install;
    return compile_guards(isolate, context).ToLocal(&script) && script->Run(context).ToLocal(&install) &&
           install->IsFunction() &&
           !install.As<v8::Function>()->Call(context, v8::Undefined(isolate), 0, nullptr).IsEmpty();
}
