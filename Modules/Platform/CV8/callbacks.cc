// Host functions: JavaScript calls a native function, which calls the host through one
// trampoline (cv8_host.call) with the host's binding and the arguments: primitives as they are,
// anything else serialized in one pass. The answer becomes a value in replies.cc.
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

void throw_type_error(v8::Isolate *isolate, const std::string &message) {
    isolate->ThrowException(v8::Exception::TypeError(cv8::text_string(isolate, message.data(), message.size())));
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
            throw_type_error(isolate, message);
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

// `string` in UTF-8, lone surrogates replaced. A short one-byte string that is ASCII, the
// common case, is copied as it is: V8's UTF-8 length and writing would walk it twice.
void write_utf8(v8::Isolate *isolate, Local<v8::String> string, std::string *text) {
    constexpr int kShort = 64;
    int length = string->Length();
    if (length <= kShort && string->IsOneByte()) {
        text->resize(length);
        string->WriteOneByte(isolate, reinterpret_cast<uint8_t *>(text->data()), 0, length,
                             v8::String::NO_NULL_TERMINATION);
        bool ascii = true;
        for (char c : *text) ascii = ascii && static_cast<uint8_t>(c) < 0x80;
        if (ascii) return;
    }
    text->resize(string->Utf8Length(isolate));
    string->WriteUtf8(isolate, text->data(), static_cast<int>(text->size()), nullptr,
                      v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
}

// Fills `scalars` when every argument is a primitive (the common case), so that the call needs
// no serialization; `texts` keeps the strings' UTF-8 alive.
bool as_scalars(v8::Isolate *isolate, const FunctionCallbackInfo<Value> &info, cv8_scalar *scalars,
                std::string *texts) {
    if (info.Length() > kMaxScalars) return false;
    for (int i = 0; i < info.Length(); i++) {
        Local<Value> value = info[i];
        cv8_scalar &scalar = scalars[i];
        scalar = cv8_scalar{CV8_SCALAR_UNDEFINED, 0, nullptr, 0};
        if (value->IsNumber()) {
            scalar.kind = CV8_SCALAR_NUMBER;
            scalar.number = value.As<v8::Number>()->Value();
        } else if (value->IsString()) {
            write_utf8(isolate, value.As<v8::String>(), &texts[i]);
            scalar.kind = CV8_SCALAR_STRING;
            scalar.string = texts[i].data();
            scalar.length = texts[i].size();
        } else if (value->IsBoolean()) {
            scalar.kind = value->IsTrue() ? CV8_SCALAR_TRUE : CV8_SCALAR_FALSE;
        } else if (value->IsNull()) {
            scalar.kind = CV8_SCALAR_NULL;
        } else if (!value->IsUndefined()) {
            return false;
        }
    }
    return true;
}

// The slow path: the arguments serialized as one array (functions, objects, arrays...).
bool call_serialized(cv8_isolate *state, Local<v8::Context> context, const FunctionCallbackInfo<Value> &info,
                     const cv8_binding &binding, uint32_t resolver_id, cv8_host_reply *reply) {
    v8::Isolate *isolate = state->isolate;
    Local<v8::Array> arguments;
    if (!collect_arguments(state, context, info, &arguments)) return false;
    cv8_result encoded = cv8::serialize(state, context, arguments);
    if (encoded.status == CV8_TOO_LARGE) {
        // The host answers with the error its own limit gives (see cv8_host.call).
        *reply = state->host.call(state->host.context, binding.host_binding, nullptr, encoded.length, nullptr, 0,
                                  resolver_id);
        return true;
    }
    if (encoded.status != CV8_OK) {
        // A getter threw (the exception is pending already) or a value cannot be cloned.
        if (encoded.status == CV8_UNSERIALIZABLE) {
            std::string message = "an argument cannot be passed to the host: " + state->message;
            throw_type_error(isolate, message);
        } else if (!cv8::terminating(state)) {
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

// The value of a synchronous call's answer, or an exception: the one making the value threw
// (a string too long, a function handle already released), or a general one.
void set_result(cv8_isolate *state, Local<v8::Context> context, const FunctionCallbackInfo<Value> &info,
                const cv8_host_reply &reply) {
    v8::Isolate *isolate = state->isolate;
    bool is_string = reply.scalar.kind == CV8_SCALAR_STRING;
    if (reply.status == CV8_OK && reply.form == CV8_REPLY_SCALAR && !is_string) {
        // Cannot fail: no TryCatch, whose set-up is a tenth of a call like this.
        info.GetReturnValue().Set(cv8::scalar_value(isolate, reply.scalar).ToLocalChecked());
        return;
    }
    if (reply.status == CV8_OK) {
        v8::TryCatch try_catch(isolate);
        Local<Value> value;
        if (cv8::reply_value(state, context, reply).ToLocal(&value)) {
            info.GetReturnValue().Set(value);
            return;
        }
        if (try_catch.HasCaught() && !try_catch.HasTerminated()) {
            try_catch.ReThrow();
            return;
        }
    }
    if (!cv8::terminating(state)) isolate->ThrowError("the host's result could not be read");
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
        resolver_id = cv8::new_id(state->next_resolver_id, state->resolvers);  // 0: a sync call
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

    if (cv8::terminating(state)) return;
    if (reply.status == CV8_EXCEPTION) {
        if (resolver_id != 0) state->resolvers.erase(resolver_id);
        isolate->ThrowException(cv8::host_error(state, context, reply));
        return;
    }
    if (binding.is_async) {
        info.GetReturnValue().Set(resolver->GetPromise());
        return;
    }
    set_result(state, context, info, reply);
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
    return cv8::handle_object(state, context, cv8::hold(state, function));
}

uint32_t cv8::handle_id(Local<v8::Object> object) {
    if (object->InternalFieldCount() != 1) return 0;
    Local<Value> id = object->GetInternalField(0);
    return id->IsUint32() ? id.As<v8::Uint32>()->Value() : 0;
}

Local<Value> cv8::host_error(cv8_isolate *state, Local<v8::Context> context, const cv8_host_reply &reply) {
    v8::Isolate *isolate = state->isolate;
    Local<v8::String> message = cv8::text_string(isolate, reinterpret_cast<const char *>(reply.data), reply.length);
    Local<v8::Object> error = v8::Exception::Error(message).As<v8::Object>();
    // An own property, defined: a setter that JavaScript put on Error.prototype is not called.
    // Neither step can fail but by termination, which the caller sees.
    if (reply.name_length > 0)
        error->CreateDataProperty(context, v8::String::NewFromUtf8Literal(isolate, "name"),
                                  cv8::text_string(isolate, reply.name, reply.name_length))
            .IsNothing();
    if (reply.error_id != 0) {
        if (state->host_error_key.IsEmpty())
            state->host_error_key.Reset(isolate, v8::Private::New(isolate, v8::String::NewFromUtf8Literal(isolate, "jsrun.hostError")));
        error->SetPrivate(context, state->host_error_key.Get(isolate), v8::Integer::NewFromUnsigned(isolate, reply.error_id))
            .IsNothing();
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
        Local<v8::String> key = cv8::text_string(isolate, path[i], lengths[i]);
        Local<Value> next;
        if (!holder->Get(context, key).ToLocal(&next)) return false;
        if (next->IsUndefined()) {
            next = v8::Object::New(isolate);
            if (holder->Set(context, key, next).IsNothing()) return false;
        } else if (!next->IsObject()) {
            std::string message = "cannot bind under '" + std::string(path[i], lengths[i]) + "': it is not an object";
            throw_type_error(isolate, message);
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
    Local<v8::String> name = cv8::text_string(isolate, path[count - 1], lengths[count - 1]);
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
        holder->Set(context, cv8::text_string(isolate, path[count - 1], lengths[count - 1]), value).IsNothing()) {
        if (!try_catch.HasCaught() && !cv8::terminating(state))
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
        if (cv8::reply_value(state, context, reply).ToLocal(&value)) {
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
    cv8::run_microtasks(state);
}

uint32_t cv8_last_host_error(cv8_isolate *state) { return state->last_host_error; }
