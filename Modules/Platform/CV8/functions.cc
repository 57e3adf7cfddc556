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

cv8_result cv8_function_call(cv8_isolate *state, uint32_t function_id, const uint8_t *arguments,
                             size_t arguments_length, bool await_result) {
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
    v8::Local<v8::Function> function = found->second.Get(isolate);

    v8::Local<v8::Value> decoded;
    if (!cv8::deserialize(state, context, arguments, arguments_length).ToLocal(&decoded) ||
        !decoded->IsArray()) {
        if (!try_catch.HasCaught()) isolate->ThrowError("the arguments could not be read");
        return cv8::caught(state, context, try_catch);
    }
    v8::Local<v8::Array> list = decoded.As<v8::Array>();
    std::vector<v8::Local<v8::Value>> argv(list->Length());
    for (uint32_t i = 0; i < argv.size(); i++) {
        if (!list->Get(context, i).ToLocal(&argv[i])) return cv8::caught(state, context, try_catch);
    }
    v8::Local<v8::Value> value;
    if (!function->Call(context, v8::Undefined(isolate), static_cast<int>(argv.size()), argv.data())
             .ToLocal(&value)) {
        cv8::run_microtasks(state);
        return cv8::caught(state, context, try_catch);
    }
    return cv8::finish(state, context, try_catch, value, await_result);
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
