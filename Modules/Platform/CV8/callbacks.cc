// Host functions: JavaScript calls a native function, which calls the host through one
// trampoline (cv8_host.call) with the binding's id and the arguments serialized in one pass.
#include "internal.h"

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

// What a host function's V8 function carries (cv8_binding): read through one External, no
// property lookup.
const cv8_binding &binding_of(const FunctionCallbackInfo<Value> &info) {
    return *static_cast<const cv8_binding *>(info.Data().As<v8::External>()->Value());
}

// A string from UTF-8; ASCII, the common case, is made directly as a one-byte string (V8's
// UTF-8 decoder costs more than the check).
v8::Local<v8::String> utf8(v8::Isolate *isolate, const char *text, size_t length,
                           v8::NewStringType type = v8::NewStringType::kNormal) {
    const auto *bytes = reinterpret_cast<const uint8_t *>(text);
    bool ascii = true;
    for (size_t i = 0; i < length && ascii; i++) ascii = bytes[i] < 0x80;
    v8::MaybeLocal<v8::String> string =
        ascii ? v8::String::NewFromOneByte(isolate, bytes, type, static_cast<int>(length))
              : v8::String::NewFromUtf8(isolate, text, type, static_cast<int>(length));
    return string.FromMaybe(v8::String::Empty(isolate));
}

// The arguments as one array the serializer can write: a function becomes a handle's
// stand-in; a symbol cannot cross and is a TypeError.
bool collect_arguments(cv8_isolate *state, Local<v8::Context> context, const FunctionCallbackInfo<Value> &info,
                       Local<v8::Array> *out) {
    v8::Isolate *isolate = state->isolate;
    std::vector<Local<Value>> values(info.Length());
    for (int i = 0; i < info.Length(); i++) {
        Local<Value> value = info[i];
        if (value->IsSymbol()) {
            std::string message = "argument " + std::to_string(i + 1) + " is a Symbol, which cannot be passed to the host";
            isolate->ThrowException(v8::Exception::TypeError(utf8(isolate, message.data(), message.size())));
            return false;
        }
        if (value->IsFunction()) {
            Local<v8::Object> stand_in;
            if (!cv8::stand_in(state, context, value.As<v8::Function>()).ToLocal(&stand_in)) return false;
            value = stand_in;
        }
        values[i] = value;
    }
    // Made from its elements at once, the array is packed: it serializes as a dense array.
    *out = v8::Array::New(isolate, values.data(), values.size());
    return true;
}

// The most arguments the fast path passes as scalars.
constexpr int kMaxScalars = 8;

// Fills `scalars` when every argument is a primitive (the common case), so that the call needs
// no serialization; `texts` keeps the strings' UTF-8 alive.
bool as_scalars(v8::Isolate *isolate, const FunctionCallbackInfo<Value> &info, cv8_scalar *scalars,
                std::string *texts) {
    if (info.Length() > kMaxScalars) return false;
    for (int i = 0; i < info.Length(); i++) {
        Local<Value> value = info[i];
        cv8_scalar &scalar = scalars[i];
        scalar = cv8_scalar{0, 0, nullptr, 0};
        if (value->IsNumber()) {
            scalar.kind = 4;
            scalar.number = value.As<v8::Number>()->Value();
        } else if (value->IsString()) {
            Local<v8::String> string = value.As<v8::String>();
            texts[i].resize(string->Utf8Length(isolate));
            string->WriteUtf8(isolate, texts[i].data(), static_cast<int>(texts[i].size()), nullptr,
                              v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
            scalar.kind = 5;
            scalar.string = texts[i].data();
            scalar.length = texts[i].size();
        } else if (value->IsBoolean()) {
            scalar.kind = value->IsTrue() ? 3 : 2;
        } else if (value->IsNull()) {
            scalar.kind = 1;
        } else if (!value->IsUndefined()) {
            return false;
        }
    }
    return true;
}

Local<Value> from_scalar(v8::Isolate *isolate, const cv8_scalar &scalar) {
    switch (scalar.kind) {
        case 1: return v8::Null(isolate);
        case 2: return v8::False(isolate);
        case 3: return v8::True(isolate);
        case 4: return v8::Number::New(isolate, scalar.number);
        case 5: return utf8(isolate, scalar.string, scalar.length);
        default: return v8::Undefined(isolate);
    }
}

// %Object.prototype%, for the objects made from members.
Local<Value> object_prototype(cv8_isolate *state) {
    v8::Isolate *isolate = state->isolate;
    if (state->object_prototype.IsEmpty()) state->object_prototype.Reset(isolate, v8::Object::New(isolate)->GetPrototype());
    return state->object_prototype.Get(isolate);
}

// The value of a host's answer with CV8_OK. Small objects and arrays of primitives are made
// directly (an object made so keeps its properties in a dictionary, which reading them does
// not mind); the rest is read with V8's deserializer.
v8::MaybeLocal<Value> reply_value(cv8_isolate *state, Local<v8::Context> context, const cv8_host_reply &reply) {
    v8::Isolate *isolate = state->isolate;
    switch (reply.form) {
        case CV8_REPLY_SCALAR: return from_scalar(isolate, reply.scalar);
        case CV8_REPLY_OBJECT: {
            if (reply.count > CV8_MAX_MEMBERS) break;
            Local<v8::Name> names[CV8_MAX_MEMBERS];
            Local<Value> values[CV8_MAX_MEMBERS];
            for (size_t i = 0; i < reply.count; i++) {
                const cv8_scalar &key = reply.members[2 * i];
                names[i] = utf8(isolate, key.string, key.length, v8::NewStringType::kInternalized);
                values[i] = from_scalar(isolate, reply.members[2 * i + 1]);
            }
            return v8::Object::New(isolate, object_prototype(state), names, values, reply.count);
        }
        case CV8_REPLY_ARRAY: {
            if (reply.count > CV8_MAX_MEMBERS) break;
            Local<Value> values[CV8_MAX_MEMBERS];
            for (size_t i = 0; i < reply.count; i++) values[i] = from_scalar(isolate, reply.members[i]);
            return v8::Array::New(isolate, values, reply.count);
        }
        default: return cv8::deserialize(state, context, reply.data, reply.length);
    }
    isolate->ThrowError("the host's answer has too many members");
    return {};
}

// The slow path: the arguments serialized as one array (functions, objects, arrays...).
bool call_serialized(cv8_isolate *state, Local<v8::Context> context, const FunctionCallbackInfo<Value> &info,
                     const cv8_binding &binding, uint32_t resolver_id, cv8_host_reply *reply) {
    v8::Isolate *isolate = state->isolate;
    Local<v8::Array> arguments;
    if (!collect_arguments(state, context, info, &arguments)) return false;
    cv8_result encoded = cv8::serialize(state, context, arguments);
    if (encoded.status != CV8_OK) {
        // A getter threw (the exception is pending already) or a value cannot be cloned.
        if (encoded.status == CV8_UNSERIALIZABLE) {
            std::string message = "an argument cannot be passed to the host: " + state->message;
            isolate->ThrowException(v8::Exception::TypeError(utf8(isolate, message.data(), message.size())));
        } else if (!isolate->IsExecutionTerminating()) {
            isolate->ThrowError("an argument could not be read");
        }
        return false;
    }
    // The host may run JavaScript (a re-entrant call) that reuses the buffer: copy the bytes.
    std::string bytes(reinterpret_cast<const char *>(encoded.data), encoded.length);
    *reply = state->host.call(state->host.context, binding.host_binding, reinterpret_cast<const uint8_t *>(bytes.data()),
                              bytes.size(), nullptr, 0, resolver_id);
    return true;
}

void call_host(const FunctionCallbackInfo<Value> &info) {
    const cv8_binding &binding = binding_of(info);
    cv8_isolate *state = binding.state;
    v8::Isolate *isolate = info.GetIsolate();
    Local<v8::Context> context = isolate->GetCurrentContext();

    uint32_t resolver_id = 0;
    Local<v8::Promise::Resolver> resolver;
    if (binding.is_async) {
        if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) return;
        resolver_id = state->next_resolver_id++;
        state->resolvers[resolver_id].Reset(isolate, resolver);
    }

    cv8_scalar scalars[kMaxScalars];
    std::string texts[kMaxScalars];
    cv8_host_reply reply;
    if (as_scalars(isolate, info, scalars, texts)) {
        reply = state->host.call(state->host.context, binding.host_binding, nullptr, 0, scalars,
                                 static_cast<size_t>(info.Length()), resolver_id);
    } else if (!call_serialized(state, context, info, binding, resolver_id, &reply)) {
        if (resolver_id != 0) state->resolvers.erase(resolver_id);
        return;
    }

    if (isolate->IsExecutionTerminating()) return;
    if (reply.status == CV8_EXCEPTION) {
        if (resolver_id != 0) state->resolvers.erase(resolver_id);
        isolate->ThrowException(cv8::host_error(state, context, reply));
        return;
    }
    if (binding.is_async) {
        info.GetReturnValue().Set(resolver->GetPromise());
        return;
    }
    Local<Value> value;
    if (reply.status != CV8_OK || !reply_value(state, context, reply).ToLocal(&value)) {
        if (!isolate->IsExecutionTerminating()) isolate->ThrowError("the host's result could not be read");
        return;
    }
    info.GetReturnValue().Set(value);
}

}  // namespace

v8::MaybeLocal<v8::Object> cv8::handle_object(cv8_isolate *state, Local<v8::Context> context, uint32_t id) {
    v8::Isolate *isolate = state->isolate;
    if (state->handle_template.IsEmpty()) {
        Local<v8::ObjectTemplate> stand_in = v8::ObjectTemplate::New(isolate);
        stand_in->SetInternalFieldCount(1);
        state->handle_template.Reset(isolate, stand_in);
    }
    Local<v8::Object> object;
    if (!state->handle_template.Get(isolate)->NewInstance(context).ToLocal(&object)) return {};
    object->SetInternalField(0, v8::Integer::NewFromUnsigned(isolate, id));
    return object;
}

v8::MaybeLocal<v8::Object> cv8::stand_in(cv8_isolate *state, Local<v8::Context> context,
                                         Local<v8::Function> function) {
    uint32_t id = state->next_function_id++;
    state->functions[id].Reset(state->isolate, function);
    return cv8::handle_object(state, context, id);
}

uint32_t cv8::handle_id(Local<v8::Object> object) {
    if (object->InternalFieldCount() != 1) return 0;
    Local<Value> id = object->GetInternalField(0);
    return id->IsUint32() ? id.As<v8::Uint32>()->Value() : 0;
}

Local<Value> cv8::host_error(cv8_isolate *state, Local<v8::Context> context, const cv8_host_reply &reply) {
    v8::Isolate *isolate = state->isolate;
    Local<v8::String> message = utf8(isolate, reinterpret_cast<const char *>(reply.data), reply.length);
    Local<v8::Object> error = v8::Exception::Error(message).As<v8::Object>();
    if (reply.name_length > 0)
        error->Set(context, v8::String::NewFromUtf8Literal(isolate, "name"), utf8(isolate, reply.name, reply.name_length))
            .Check();
    if (reply.error_id != 0) {
        if (state->host_error_key.IsEmpty())
            state->host_error_key.Reset(isolate, v8::Private::New(isolate, v8::String::NewFromUtf8Literal(isolate, "jsrun.hostError")));
        error->SetPrivate(context, state->host_error_key.Get(isolate), v8::Integer::NewFromUnsigned(isolate, reply.error_id))
            .Check();
    }
    return error;
}

uint32_t cv8::host_error_id(cv8_isolate *state, Local<v8::Context> context, Local<Value> exception) {
    if (state->host_error_key.IsEmpty() || !exception->IsObject()) return 0;
    Local<Value> id;
    if (!exception.As<v8::Object>()->GetPrivate(context, state->host_error_key.Get(state->isolate)).ToLocal(&id))
        return 0;
    return id->IsUint32() ? id.As<v8::Uint32>()->Value() : 0;
}

namespace {

// The object that holds the last name of `path`, walking from globalThis and creating plain
// objects for missing names; false (with an exception pending) when a name holds a non-object.
bool holder_of(cv8_isolate *state, Local<v8::Context> context, const char *const *path, const size_t *lengths,
               size_t count, Local<v8::Object> *out) {
    v8::Isolate *isolate = state->isolate;
    Local<v8::Object> holder = context->Global();
    for (size_t i = 0; i + 1 < count; i++) {
        Local<v8::String> key = utf8(isolate, path[i], lengths[i]);
        Local<Value> next;
        if (!holder->Get(context, key).ToLocal(&next)) return false;
        if (next->IsUndefined()) {
            next = v8::Object::New(isolate);
            if (holder->Set(context, key, next).IsNothing()) return false;
        } else if (!next->IsObject()) {
            std::string message = "cannot bind under '" + std::string(path[i], lengths[i]) + "': it is not an object";
            isolate->ThrowException(v8::Exception::TypeError(utf8(isolate, message.data(), message.size())));
            return false;
        }
        holder = next.As<v8::Object>();
    }
    *out = holder;
    return true;
}

}  // namespace

cv8_result cv8_bind(cv8_isolate *state, const char *const *path, const size_t *lengths, size_t count,
                    void *binding, bool is_async) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);

    Local<v8::Object> holder;
    if (!holder_of(state, context, path, lengths, count, &holder)) return cv8::caught(state, context, try_catch);
    state->bindings.push_back(std::make_unique<cv8_binding>(cv8_binding{state, binding, is_async}));
    Local<v8::External> data = v8::External::New(isolate, state->bindings.back().get());
    Local<v8::Function> function;
    Local<v8::String> name = utf8(isolate, path[count - 1], lengths[count - 1]);
    if (!v8::Function::New(context, call_host, data).ToLocal(&function) ||
        (function->SetName(name), holder->Set(context, name, function).IsNothing()))
        return cv8::caught(state, context, try_catch);
    return cv8::status_only(CV8_OK);
}

cv8_result cv8_set(cv8_isolate *state, const char *const *path, const size_t *lengths, size_t count,
                   const uint8_t *data, size_t length) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);

    Local<v8::Object> holder;
    Local<Value> value;
    if (!holder_of(state, context, path, lengths, count, &holder) ||
        !cv8::deserialize(state, context, data, length).ToLocal(&value) ||
        holder->Set(context, utf8(isolate, path[count - 1], lengths[count - 1]), value).IsNothing()) {
        if (!try_catch.HasCaught() && !isolate->IsExecutionTerminating())
            isolate->ThrowError("the value could not be read");
        return cv8::caught(state, context, try_catch);
    }
    return cv8::status_only(CV8_OK);
}

void cv8_resolver_settle(cv8_isolate *state, uint32_t resolver_id, cv8_host_reply reply) {
    auto found = state->resolvers.find(resolver_id);
    if (found == state->resolvers.end()) return;
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);
    Local<v8::Promise::Resolver> resolver = found->second.Get(isolate);
    state->resolvers.erase(found);
    if (reply.status == CV8_OK) {
        Local<Value> value;
        if (reply_value(state, context, reply).ToLocal(&value)) {
            resolver->Resolve(context, value).IsNothing();
        } else {
            Local<Value> failure = try_catch.HasCaught() ? try_catch.Exception()
                                                         : v8::Exception::Error(v8::String::NewFromUtf8Literal(
                                                               isolate, "the host's result could not be read"));
            try_catch.Reset();
            resolver->Reject(context, failure).IsNothing();
        }
    } else {
        resolver->Reject(context, cv8::host_error(state, context, reply)).IsNothing();
    }
    isolate->PerformMicrotaskCheckpoint();
}

uint32_t cv8_last_host_error(cv8_isolate *state) { return state->last_host_error; }
