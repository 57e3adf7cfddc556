// Function handles: functions that JavaScript hands to the host, held by id until released.
#include "internal.h"

uint32_t cv8::hold(cv8_isolate *state, v8::Local<v8::Function> function) {
    uint32_t id = cv8::new_id(state->next_function_id, state->functions);
    state->functions[id].Reset(state->isolate, function);
    return id;
}

cv8_result cv8::hold_function(cv8_isolate *state, v8::Local<v8::Function> function) {
    uint32_t id = cv8::hold(state, function);
    v8::String::Utf8Value name(state->isolate, function->GetName());
    state->message.assign(*name ? *name : "");
    cv8_result result = cv8::status_only(CV8_FUNCTION);
    result.data = reinterpret_cast<const uint8_t *>(state->message.data());
    result.length = state->message.size();
    result.function_id = id;
    return result;
}

namespace {

// Calls `function` with the arguments in `arguments` (see cv8_function_call), `this` being
// `receiver` or, with `has_receiver`, the first element of the list.
cv8_result call(cv8_isolate *state, v8::Local<v8::Context> context, v8::TryCatch &try_catch,
                v8::Local<v8::Function> function, v8::Local<v8::Value> receiver, const uint8_t *arguments,
                size_t arguments_length, bool has_receiver, bool await_result) {
    v8::Isolate *isolate = state->isolate;
    v8::Local<v8::Value> decoded;
    if (!cv8::deserialize(state, context, arguments, arguments_length).ToLocal(&decoded) ||
        !decoded->IsArray()) {
        if (!try_catch.HasCaught()) isolate->ThrowError("the arguments could not be read");
        return cv8::caught(state, context, try_catch);
    }
    v8::Local<v8::Array> list = decoded.As<v8::Array>();
    uint32_t first = has_receiver ? 1 : 0;
    if (has_receiver && (list->Length() < 1 || !list->Get(context, 0).ToLocal(&receiver)))
        return cv8::caught(state, context, try_catch);
    std::vector<v8::Local<v8::Value>> argv(list->Length() > first ? list->Length() - first : 0);
    for (uint32_t i = 0; i < argv.size(); i++) {
        if (!list->Get(context, first + i).ToLocal(&argv[i])) return cv8::caught(state, context, try_catch);
    }
    v8::Local<v8::Value> value;
    if (!function->Call(context, receiver, static_cast<int>(argv.size()), argv.data()).ToLocal(&value)) {
        cv8::run_microtasks(state);
        return cv8::caught(state, context, try_catch);
    }
    return cv8::finish(state, context, try_catch, value, await_result);
}

void throw_type_error(v8::Isolate *isolate, const std::string &message) {
    isolate->ThrowException(v8::Exception::TypeError(cv8::text_string(isolate, message.data(), message.size())));
}

}  // namespace

cv8_result cv8_function_call(cv8_isolate *state, uint32_t function_id, const uint8_t *arguments,
                             size_t arguments_length, bool has_receiver, bool await_result) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);

    auto found = state->functions.find(function_id);
    if (found == state->functions.end()) {
        state->message.assign("the function was released");
        cv8_result result = cv8::status_only(CV8_UNSERIALIZABLE);
        result.data = reinterpret_cast<const uint8_t *>(state->message.data());
        result.length = state->message.size();
        return result;
    }
    return call(state, context, try_catch, found->second.Get(isolate), v8::Undefined(isolate), arguments,
                arguments_length, has_receiver, await_result);
}

cv8_result cv8_call_method(cv8_isolate *state, const char *const *path, const size_t *lengths, size_t count,
                           const char *name, size_t name_length, const uint8_t *arguments, size_t arguments_length,
                           bool await_result) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);

    // The receiver: the value at `path`, read as `a.b.c` reads it (getters run; nothing is made).
    std::string where;
    v8::Local<v8::Value> receiver = context->Global();
    for (size_t i = 0; i < count; i++) {
        std::string key(path[i], lengths[i]);
        if (receiver->IsNullOrUndefined()) {
            throw_type_error(isolate, "cannot read '" + key + "' of " + where + ": it is " +
                                          (receiver->IsNull() ? "null" : "undefined"));
            return cv8::caught(state, context, try_catch);
        }
        v8::Local<v8::Object> holder;
        if (!receiver->ToObject(context).ToLocal(&holder) ||
            !holder->Get(context, cv8::text_string(isolate, path[i], lengths[i])).ToLocal(&receiver))
            return cv8::caught(state, context, try_catch);
        where += (i == 0 ? "" : ".") + key;
    }
    std::string method = where.empty() ? std::string(name, name_length) : where + "." + std::string(name, name_length);
    if (receiver->IsNullOrUndefined()) {
        throw_type_error(isolate, "cannot call " + method + ": " + where + " is " +
                                      (receiver->IsNull() ? "null" : "undefined"));
        return cv8::caught(state, context, try_catch);
    }
    v8::Local<v8::Object> holder;
    v8::Local<v8::Value> function;
    if (!receiver->ToObject(context).ToLocal(&holder) ||
        !holder->Get(context, cv8::text_string(isolate, name, name_length)).ToLocal(&function))
        return cv8::caught(state, context, try_catch);
    if (!function->IsFunction()) {
        throw_type_error(isolate, method + " is not a function");
        return cv8::caught(state, context, try_catch);
    }
    return call(state, context, try_catch, function.As<v8::Function>(), receiver, arguments, arguments_length,
                false, await_result);
}

void cv8_function_release(cv8_isolate *state, uint32_t function_id) {
    state->functions.erase(function_id);
}

const char *cv8_function_name(cv8_isolate *state, uint32_t function_id, size_t *length) {
    auto found = state->functions.find(function_id);
    if (found == state->functions.end()) {
        *length = 0;
        return "";
    }
    v8::HandleScope handle_scope(state->isolate);
    v8::String::Utf8Value name(state->isolate, found->second.Get(state->isolate)->GetName());
    state->message.assign(*name ? *name : "");
    *length = state->message.size();
    return state->message.data();
}
