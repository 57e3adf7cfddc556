// ES modules: compiling, instantiating through the host, evaluating, dynamic import() and
// import.meta.
//
// The host owns the module graph (see CJSRunV8.h): V8 only learns a module's imports from the host,
// through cv8_host.link_module while instantiating. Imports, the host's entry module as well as
// a dynamic import(), are promises that the host settles once it has loaded the graph: loading
// may wait for the host's event loop, which V8's callbacks cannot.
#include "internal.h"

#include <cstring>
#include <list>
#include <mutex>
#include <string_view>

namespace {

using v8::Context;
using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Module;
using v8::String;
using v8::Value;

// A compiled module. A JSON or text module keeps its default export until it is evaluated.
struct Record {
    v8::Global<Module> module;
    std::string url;
    v8::Global<Value> value;
};

// An import the host settles. `for_host`: the entry module, whose promise fulfils with a plain
// copy of the namespace that the serializer can write, not with the namespace itself.
struct Import {
    v8::Global<v8::Promise::Resolver> resolver;
    bool for_host = false;
};

// The code V8 compiled for modules, shared by the isolates of the process: a module that many
// runtimes load (a runtime per request, each loading the same modules) is parsed once. Code is
// kept from a module's second compile on, so a module loaded once costs nothing extra.
//
// Keyed by the URL and the whole source text. V8 accepts a cache for a source of the same
// *length* (it checks no more), so a key that is only a hash could hand one module another's
// code; and the code keeps the script name it was made with (its stack frames' file), so the
// same text under another URL is another entry.
class CodeCache {
  public:
    // The code kept for `key`, or null; notes that `key` was compiled (`*again`: before).
    std::shared_ptr<const std::string> find(std::string_view key, bool *again) {
        std::lock_guard<std::mutex> guard(lock_);
        auto found = entries_.find(key);
        if (found != entries_.end()) return found->second->second;
        *again = !seen_.insert(std::hash<std::string_view>()(key)).second;
        if (seen_.size() > kMaxSeen) seen_.clear();
        return nullptr;
    }

    void store(std::string_view key, const uint8_t *code, size_t length) {
        std::lock_guard<std::mutex> guard(lock_);
        if (entries_.count(key) != 0) return;
        order_.emplace_back(std::string(key),
                            std::make_shared<const std::string>(reinterpret_cast<const char *>(code), length));
        entries_.emplace(order_.back().first, std::prev(order_.end()));
        bytes_ += key.size() + length;
        // The oldest go first past the limit.
        while (bytes_ > kMaxBytes && !order_.empty()) remove(order_.begin());
    }

    // V8 rejected the code (another V8 version, other flags): compile afresh from now on.
    void forget(std::string_view key) {
        std::lock_guard<std::mutex> guard(lock_);
        auto found = entries_.find(key);
        if (found != entries_.end()) remove(found->second);
    }

  private:
    using Entry = std::pair<std::string, std::shared_ptr<const std::string>>;

    void remove(std::list<Entry>::iterator entry) {
        bytes_ -= entry->first.size() + entry->second->size();
        entries_.erase(std::string_view(entry->first));
        order_.erase(entry);
    }

    static constexpr size_t kMaxBytes = 16u << 20;
    static constexpr size_t kMaxSeen = 1u << 16;
    std::mutex lock_;
    std::list<Entry> order_;  // oldest first; the keys below point into these strings
    std::unordered_map<std::string_view, std::list<Entry>::iterator> entries_;
    std::unordered_set<size_t> seen_;  // hashes of the keys compiled once
    size_t bytes_ = 0;
};

// Never destroyed: runtime threads may still compile while the process exits.
CodeCache &code_cache() {
    static CodeCache *shared = new CodeCache();
    return *shared;
}

// Compiles a JavaScript module, with the process's cached code for it when there is.
v8::MaybeLocal<Module> compile_module(v8::Isolate *isolate, Local<String> code, const v8::ScriptOrigin &origin,
                                      std::string_view url, std::string_view text) {
    std::string key;
    key.reserve(url.size() + 1 + text.size());
    key.append(url).append(1, '\n').append(text);
    bool again = false;
    std::shared_ptr<const std::string> cached = code_cache().find(key, &again);
    if (cached) {
        // `cached` outlives the Source, which holds the bytes without owning them.
        auto *data = new v8::ScriptCompiler::CachedData(reinterpret_cast<const uint8_t *>(cached->data()),
                                                        static_cast<int>(cached->size()));
        v8::ScriptCompiler::Source compiled(code, origin, data);
        v8::MaybeLocal<Module> module =
            v8::ScriptCompiler::CompileModule(isolate, &compiled, v8::ScriptCompiler::kConsumeCodeCache);
        if (compiled.GetCachedData()->rejected) code_cache().forget(key);
        return module;
    }
    v8::ScriptCompiler::Source compiled(code, origin);
    Local<Module> module;
    if (!v8::ScriptCompiler::CompileModule(isolate, &compiled).ToLocal(&module)) return {};
    if (again) {
        std::unique_ptr<v8::ScriptCompiler::CachedData> made(
            v8::ScriptCompiler::CreateCodeCache(module->GetUnboundModuleScript()));
        if (made) code_cache().store(key, made->data, static_cast<size_t>(made->length));
    }
    return module;
}

}  // namespace

struct cv8_modules {
    std::unordered_map<uint32_t, Record> records;
    // Module ids by V8's identity hash, to find a Local<Module>'s record (hashes may collide).
    std::unordered_multimap<int, uint32_t> ids_by_hash;
    uint32_t next_module_id = 1;
    std::unordered_map<uint32_t, Import> imports;
    uint32_t next_import_id = 1;
    // The imports of the module compiled last, as cv8_module_compile hands them out.
    std::vector<std::string> request_texts;
    std::vector<cv8_module_request> requests;
};

namespace {

// V8's callbacks for modules carry no data pointer: the isolate's slot 0 holds the state.
constexpr uint32_t kStateSlot = 0;

cv8_isolate *state_of(v8::Isolate *isolate) { return static_cast<cv8_isolate *>(isolate->GetData(kStateSlot)); }

std::string utf8(v8::Isolate *isolate, Local<Value> value) {
    if (value.IsEmpty() || !value->IsString()) return std::string();
    String::Utf8Value text(isolate, value);
    return *text ? std::string(*text, text.length()) : std::string();
}


// The id of a module compiled here, or 0.
uint32_t id_of(cv8_modules *modules, Local<Module> module) {
    auto range = modules->ids_by_hash.equal_range(module->GetIdentityHash());
    for (auto it = range.first; it != range.second; ++it) {
        auto found = modules->records.find(it->second);
        if (found != modules->records.end() && found->second.module == module) return it->second;
    }
    return 0;
}

// The value of the `type` import assertion, "" when there is none. `stride`: 3 for a static
// import's assertions (key, value, source offset), 2 for a dynamic import's.
std::string assertion_type(Local<Context> context, Local<v8::FixedArray> assertions, int stride) {
    v8::Isolate *isolate = context->GetIsolate();
    if (assertions.IsEmpty()) return std::string();
    for (int i = 0; i + 1 < assertions->Length(); i += stride) {
        Local<Value> key = assertions->Get(context, i).As<Value>();
        if (utf8(isolate, key) == "type") return utf8(isolate, assertions->Get(context, i + 1).As<Value>());
    }
    return std::string();
}

// The host answered CV8_EXCEPTION, or something that is not what was asked: throw it.
void throw_reply(cv8_isolate *state, Local<Context> context, const cv8_host_reply &reply, const char *otherwise) {
    v8::Isolate *isolate = state->isolate;
    if (reply.status == CV8_EXCEPTION) {
        isolate->ThrowException(cv8::host_error(state, context, reply));
    } else {
        isolate->ThrowError(cv8::text_string(isolate, otherwise, strlen(otherwise)));
    }
}

// Instantiation asks the host which module each import stands for.
v8::MaybeLocal<Module> link(Local<Context> context, Local<String> specifier, Local<v8::FixedArray> assertions,
                            Local<Module> referrer) {
    v8::Isolate *isolate = context->GetIsolate();
    cv8_isolate *state = state_of(isolate);
    std::string name = utf8(isolate, specifier);
    std::string type = assertion_type(context, assertions, 3);
    cv8_host_reply reply = state->host.link_module(state->host.context, id_of(state->modules, referrer), name.data(),
                                                   name.size(), type.data(), type.size());
    if (reply.status == CV8_OK && reply.form == CV8_REPLY_SCALAR && reply.scalar.kind == CV8_SCALAR_NUMBER) {
        auto found = state->modules->records.find(static_cast<uint32_t>(reply.scalar.number));
        if (found != state->modules->records.end()) return found->second.module.Get(isolate);
    }
    throw_reply(state, context, reply, "the host did not link the import to a compiled module");
    return {};
}

// A JSON or text module's evaluation: its default export is the value made at compile time.
v8::MaybeLocal<Value> evaluate_value(Local<Context> context, Local<Module> module) {
    v8::Isolate *isolate = context->GetIsolate();
    cv8_isolate *state = state_of(isolate);
    auto found = state->modules->records.find(id_of(state->modules, module));
    if (found == state->modules->records.end()) {
        isolate->ThrowError("the module is no longer known");
        return {};
    }
    Local<Value> value = found->second.value.Get(isolate);
    found->second.value.Reset();
    if (module->SetSyntheticModuleExport(isolate, String::NewFromUtf8Literal(isolate, "default"), value).IsNothing())
        return {};
    // With top-level await, evaluation steps answer a promise.
    Local<v8::Promise::Resolver> done;
    if (!v8::Promise::Resolver::New(context).ToLocal(&done) || done->Resolve(context, v8::Undefined(isolate)).IsNothing())
        return {};
    return done->GetPromise();
}

// import(): a promise the host settles after loading the graph in its event loop.
v8::MaybeLocal<v8::Promise> import_dynamically(Local<Context> context, Local<v8::Data>, Local<Value> resource_name,
                                               Local<String> specifier, Local<v8::FixedArray> assertions) {
    v8::Isolate *isolate = context->GetIsolate();
    cv8_isolate *state = state_of(isolate);
    Local<v8::Promise::Resolver> resolver;
    if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) return {};
    uint32_t id = state->modules->next_import_id++;
    state->modules->imports[id].resolver.Reset(isolate, resolver);
    std::string name = utf8(isolate, specifier);
    std::string referrer = utf8(isolate, resource_name);
    std::string type = assertion_type(context, assertions, 2);
    state->host.import_module(state->host.context, id, name.data(), name.size(), referrer.data(), referrer.size(),
                              type.data(), type.size());
    return resolver->GetPromise();
}

// import.meta.resolve(specifier), in the module whose URL is the function's data.
void resolve_in_meta(const FunctionCallbackInfo<Value> &info) {
    v8::Isolate *isolate = info.GetIsolate();
    cv8_isolate *state = state_of(isolate);
    Local<Context> context = isolate->GetCurrentContext();
    Local<String> specifier;
    if (info.Length() < 1 || !info[0]->ToString(context).ToLocal(&specifier)) {
        if (!cv8::terminating(state) && info.Length() < 1)
            isolate->ThrowException(v8::Exception::TypeError(
                String::NewFromUtf8Literal(isolate, "import.meta.resolve needs a specifier")));
        return;
    }
    std::string name = utf8(isolate, specifier);
    std::string referrer = utf8(isolate, info.Data());
    cv8_host_reply reply =
        state->host.resolve_module(state->host.context, name.data(), name.size(), referrer.data(), referrer.size());
    if (reply.status == CV8_OK && reply.form == CV8_REPLY_SCALAR && reply.scalar.kind == CV8_SCALAR_STRING) {
        info.GetReturnValue().Set(cv8::text_string(isolate, reply.scalar.string, reply.scalar.length));
        return;
    }
    throw_reply(state, context, reply, "the host did not resolve the specifier");
}

// import.meta: { url, resolve }.
void initialize_meta(Local<Context> context, Local<Module> module, Local<v8::Object> meta) {
    v8::Isolate *isolate = context->GetIsolate();
    cv8_isolate *state = state_of(isolate);
    auto found = state->modules->records.find(id_of(state->modules, module));
    if (found == state->modules->records.end()) return;
    Local<String> url = cv8::text_string(isolate, found->second.url.data(), found->second.url.size());
    Local<v8::Function> resolve;
    if (meta->CreateDataProperty(context, String::NewFromUtf8Literal(isolate, "url"), url).IsNothing() ||
        !v8::Function::New(context, resolve_in_meta, url, 1).ToLocal(&resolve))
        return;
    resolve->SetName(String::NewFromUtf8Literal(isolate, "resolve"));
    meta->CreateDataProperty(context, String::NewFromUtf8Literal(isolate, "resolve"), resolve).IsNothing();
}

// The fulfilment of a dynamic import: the namespace (the function's data).
void deliver_namespace(const FunctionCallbackInfo<Value> &info) { info.GetReturnValue().Set(info.Data()); }

// A namespace's exports as a plain object, read now (the host gets values, not live bindings).
// A binding that cannot be read (not initialised) is undefined; an exported function becomes a
// function handle's stand-in, which the serializer writes; a namespace re-exported with
// `export * as name` is copied the same way (once on the path: a module may export itself).
bool copy_exports(cv8_isolate *state, Local<Context> context, Local<v8::Object> exports,
                  std::vector<Local<v8::Object>> &path, Local<Value> *out) {
    v8::Isolate *isolate = state->isolate;
    Local<v8::Array> names;
    if (!exports->GetOwnPropertyNames(context).ToLocal(&names)) return false;
    path.push_back(exports);
    Local<v8::Object> copy = v8::Object::New(isolate);
    for (uint32_t i = 0; i < names->Length(); i++) {
        Local<Value> name, value;
        if (!names->Get(context, i).ToLocal(&name)) return false;
        {
            v8::TryCatch uninitialised(isolate);
            if (!exports->Get(context, name).ToLocal(&value)) {
                if (cv8::terminating(state)) return false;
                value = v8::Undefined(isolate);
            }
        }
        if (value->IsFunction()) {
            Local<v8::Object> stand_in;
            if (!cv8::stand_in(state, context, value.As<v8::Function>()).ToLocal(&stand_in)) return false;
            value = stand_in;
        } else if (value->IsModuleNamespaceObject()) {
            Local<v8::Object> nested = value.As<v8::Object>();
            bool on_path = false;
            for (Local<v8::Object> seen : path) on_path = on_path || seen->StrictEquals(nested);
            if (on_path) {
                value = v8::Undefined(isolate);
            } else if (!copy_exports(state, context, nested, path, &value)) {
                return false;
            }
        }
        if (copy->CreateDataProperty(context, name.As<v8::Name>(), value).IsNothing()) return false;
    }
    path.pop_back();
    *out = copy;
    return true;
}

// The fulfilment of the host's entry import: a copy of the namespace (the function's data).
void deliver_copy(const FunctionCallbackInfo<Value> &info) {
    v8::Isolate *isolate = info.GetIsolate();
    std::vector<Local<v8::Object>> path;
    Local<Value> copy;
    if (copy_exports(state_of(isolate), isolate->GetCurrentContext(), info.Data().As<v8::Object>(), path, &copy))
        info.GetReturnValue().Set(copy);
}

// Runs the microtasks and reports whether execution was stopped meanwhile.
cv8_status checkpoint(cv8_isolate *state) {
    cv8::run_microtasks(state);
    if (!cv8::terminating(state)) return CV8_OK;
    return cv8::terminated(state).status;
}

}  // namespace

void cv8::install_modules(cv8_isolate *state) {
    state->modules = new cv8_modules();
    v8::Isolate *isolate = state->isolate;
    isolate->SetData(kStateSlot, state);
    isolate->SetHostImportModuleDynamicallyCallback(import_dynamically);
    isolate->SetHostInitializeImportMetaObjectCallback(initialize_meta);
}

void cv8::clear_modules(cv8_isolate *state) {
    // The Globals must go while the isolate lives.
    delete state->modules;
    state->modules = nullptr;
}

cv8_result cv8_module_compile(cv8_isolate *state, const char *url, size_t url_length, const char *source,
                              size_t source_length, cv8_module_kind kind, uint32_t *module_id,
                              const cv8_module_request **requests, size_t *request_count) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    Local<Context> context = state->context.Get(isolate);
    Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);

    Local<String> name, code;
    if (!String::NewFromUtf8(isolate, url, v8::NewStringType::kNormal, static_cast<int>(url_length)).ToLocal(&name) ||
        !String::NewFromUtf8(isolate, source, v8::NewStringType::kNormal, static_cast<int>(source_length))
             .ToLocal(&code)) {
        isolate->ThrowError("the module's source is longer than V8's maximum string length");
        return cv8::caught(state, context, try_catch);
    }
    Local<Module> module;
    Local<Value> value;
    if (kind == CV8_MODULE_JSON && !v8::JSON::Parse(context, code).ToLocal(&value))
        return cv8::caught(state, context, try_catch);
    if (kind == CV8_MODULE_TEXT) value = code;
    if (!value.IsEmpty()) {
        module = Module::CreateSyntheticModule(isolate, name, {String::NewFromUtf8Literal(isolate, "default")},
                                               evaluate_value);
    } else {
        v8::ScriptOrigin origin(isolate, name, 0, 0, false, -1, Local<Value>(), false, false, true);
        if (!compile_module(isolate, code, origin, std::string_view(url, url_length),
                            std::string_view(source, source_length))
                 .ToLocal(&module))
            return cv8::caught(state, context, try_catch);
    }

    uint32_t id = state->modules->next_module_id++;
    Record &record = state->modules->records[id];
    record.module.Reset(isolate, module);
    record.url.assign(url, url_length);
    if (!value.IsEmpty()) record.value.Reset(isolate, value);
    state->modules->ids_by_hash.emplace(module->GetIdentityHash(), id);
    *module_id = id;

    // What the module imports. The texts first, then pointers into them: the vector of texts
    // does not move once filled.
    cv8_modules *modules = state->modules;
    Local<v8::FixedArray> imports = module->GetModuleRequests();
    int count = imports->Length();
    modules->request_texts.clear();
    modules->requests.assign(count, cv8_module_request{});
    for (int i = 0; i < count; i++) {
        Local<v8::ModuleRequest> request = imports->Get(context, i).As<v8::ModuleRequest>();
        v8::Location where = module->SourceOffsetToLocation(request->GetSourceOffset());
        modules->request_texts.push_back(utf8(isolate, request->GetSpecifier()));
        modules->request_texts.push_back(assertion_type(context, request->GetImportAssertions(), 3));
        modules->requests[i].line = where.GetLineNumber() + 1;
        modules->requests[i].column = where.GetColumnNumber() + 1;
    }
    for (int i = 0; i < count; i++) {
        const std::string &specifier = modules->request_texts[2 * i];
        const std::string &type = modules->request_texts[2 * i + 1];
        modules->requests[i].specifier = specifier.data();
        modules->requests[i].specifier_length = specifier.size();
        modules->requests[i].type = type.data();
        modules->requests[i].type_length = type.size();
    }
    *requests = modules->requests.data();
    *request_count = modules->requests.size();
    return cv8::status_only(CV8_OK);
}

void cv8_module_release(cv8_isolate *state, uint32_t module_id) {
    cv8_modules *modules = state->modules;
    auto found = modules->records.find(module_id);
    if (found == modules->records.end()) return;
    v8::HandleScope handle_scope(state->isolate);
    auto range = modules->ids_by_hash.equal_range(found->second.module.Get(state->isolate)->GetIdentityHash());
    for (auto it = range.first; it != range.second; ++it) {
        if (it->second == module_id) {
            modules->ids_by_hash.erase(it);
            break;
        }
    }
    modules->records.erase(found);
}

cv8_result cv8_module_instantiate(cv8_isolate *state, uint32_t module_id) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    Local<Context> context = state->context.Get(isolate);
    Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);

    auto found = state->modules->records.find(module_id);
    if (found == state->modules->records.end()) {
        isolate->ThrowError("the module to instantiate is not known");
        return cv8::caught(state, context, try_catch);
    }
    Local<Module> module = found->second.module.Get(isolate);
    if (module->GetStatus() != Module::kUninstantiated) return cv8::status_only(CV8_OK);
    if (module->InstantiateModule(context, link).IsNothing()) return cv8::caught(state, context, try_catch);
    return cv8::status_only(CV8_OK);
}

cv8_result cv8_module_import_new(cv8_isolate *state, uint32_t *import_id) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    Local<Context> context = state->context.Get(isolate);
    Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);

    Local<v8::Promise::Resolver> resolver;
    if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) return cv8::caught(state, context, try_catch);
    uint32_t id = state->modules->next_import_id++;
    Import &entry = state->modules->imports[id];
    entry.resolver.Reset(isolate, resolver);
    entry.for_host = true;
    *import_id = id;

    auto *held = new cv8_promise();
    // The host waits for it: a rejection is the caller's, not an uncaught one (uncaught.cc).
    resolver->GetPromise()->MarkAsHandled();
    held->promise.Reset(isolate, resolver->GetPromise());
    state->promises.insert(held);
    cv8_result result = cv8::status_only(CV8_PENDING);
    result.promise = held;
    return result;
}

cv8_status cv8_module_import_finish(cv8_isolate *state, uint32_t import_id, uint32_t module_id) {
    auto import = state->modules->imports.find(import_id);
    if (import == state->modules->imports.end()) return CV8_OK;
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    Local<Context> context = state->context.Get(isolate);
    Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);

    Local<v8::Promise::Resolver> resolver = import->second.resolver.Get(isolate);
    bool for_host = import->second.for_host;
    state->modules->imports.erase(import);

    auto found = state->modules->records.find(module_id);
    Local<Module> module;
    if (found != state->modules->records.end()) module = found->second.module.Get(isolate);
    // V8 checks the status itself, fatally: a module still being linked or run (a cycle through
    // the host) cannot be evaluated from here.
    Module::Status status = module.IsEmpty() ? Module::kUninstantiated : module->GetStatus();
    if (status != Module::kInstantiated && status != Module::kEvaluated && status != Module::kErrored) {
        const char *why = module.IsEmpty() ? "the module to evaluate is not known"
                                           : "the module cannot be evaluated now: it is being linked or evaluated";
        isolate->ThrowError(cv8::text_string(isolate, why, strlen(why)));
        resolver->Reject(context, try_catch.Exception()).IsNothing();
        return checkpoint(state);
    }

    Local<Value> evaluation;
    if (!module->Evaluate(context).ToLocal(&evaluation)) {
        if (try_catch.HasTerminated() || cv8::terminating(state)) return cv8::terminated(state).status;
        resolver->Reject(context, try_catch.Exception()).IsNothing();
        return checkpoint(state);
    }
    // Evaluation gives a promise (top-level await): the import fulfils with the namespace once it
    // fulfils, and rejects with its error.
    Local<v8::Promise> evaluated;
    Local<v8::Function> deliver;
    Local<v8::Promise> delivered;
    if (evaluation->IsPromise()) {
        evaluated = evaluation.As<v8::Promise>();
    } else {
        Local<v8::Promise::Resolver> done;
        if (v8::Promise::Resolver::New(context).ToLocal(&done) && done->Resolve(context, evaluation).IsJust())
            evaluated = done->GetPromise();
    }
    if (evaluated.IsEmpty() ||
        !v8::Function::New(context, for_host ? deliver_copy : deliver_namespace, module->GetModuleNamespace())
             .ToLocal(&deliver) ||
        !evaluated->Then(context, deliver).ToLocal(&delivered) || resolver->Resolve(context, delivered).IsNothing()) {
        if (try_catch.HasTerminated() || cv8::terminating(state)) return cv8::terminated(state).status;
        resolver->Reject(context, try_catch.Exception()).IsNothing();
    }
    return checkpoint(state);
}

void cv8_module_import_fail(cv8_isolate *state, uint32_t import_id, cv8_host_reply reply) {
    auto import = state->modules->imports.find(import_id);
    if (import == state->modules->imports.end()) return;
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    Local<Context> context = state->context.Get(isolate);
    Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);
    Local<v8::Promise::Resolver> resolver = import->second.resolver.Get(isolate);
    state->modules->imports.erase(import);
    resolver->Reject(context, cv8::host_error(state, context, reply)).IsNothing();
    cv8::run_microtasks(state);
}

void cv8_module_import_release(cv8_isolate *state, uint32_t import_id) { state->modules->imports.erase(import_id); }
