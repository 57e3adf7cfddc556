// Running scripts, and the promises that async evaluation waits for.
#include "internal.h"

namespace {

// The result of a settled promise, or CV8_PENDING.
cv8_result settled(cv8_isolate *state, v8::Local<v8::Context> context,
                   v8::Local<v8::Promise> promise) {
    switch (promise->State()) {
        case v8::Promise::kPending:
            return cv8::status_only(CV8_PENDING);
        case v8::Promise::kFulfilled:
            return cv8::serialize(state, context, promise->Result());
        case v8::Promise::kRejected:
            // Swift handles the rejection, so V8 must not treat it as unhandled, and it is no
            // uncaught error (uncaught.cc) either: the caller gets it.
            promise->MarkAsHandled();
            cv8::forget_rejection(state, promise);
            return cv8::rejection(state, context, promise->Result());
    }
    return cv8::status_only(CV8_PENDING);
}

// Follows `value` like `Promise.resolve(value)`, so thenables are awaited too.
v8::MaybeLocal<v8::Promise> resolved(v8::Local<v8::Context> context, v8::Local<v8::Value> value) {
    if (value->IsPromise()) return value.As<v8::Promise>();
    v8::Local<v8::Promise::Resolver> resolver;
    if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) return {};
    if (resolver->Resolve(context, value).IsNothing()) return {};
    return resolver->GetPromise();
}

}  // namespace

cv8_result cv8_eval(cv8_isolate *state, const char *source, size_t source_length,
                    const char *name, size_t name_length, bool await_result) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);

    v8::Local<v8::String> code, script_name;
    if (!v8::String::NewFromUtf8(isolate, source, v8::NewStringType::kNormal,
                                 static_cast<int>(source_length))
             .ToLocal(&code) ||
        !v8::String::NewFromUtf8(isolate, name, v8::NewStringType::kNormal,
                                 static_cast<int>(name_length))
             .ToLocal(&script_name)) {
        // Only a source longer than V8's maximum string length gets here.
        isolate->ThrowError("the source is longer than V8's maximum string length");
        return cv8::caught(state, context, try_catch);
    }
    v8::ScriptOrigin origin(isolate, script_name);
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> value;
    if (!v8::Script::Compile(context, code, &origin).ToLocal(&script) ||
        !script->Run(context).ToLocal(&value)) {
        cv8::run_microtasks(state);
        return cv8::caught(state, context, try_catch);
    }
    return cv8::finish(state, context, try_catch, value, await_result);
}

cv8_result cv8::finish(cv8_isolate *state, v8::Local<v8::Context> context,
                       v8::TryCatch &try_catch, v8::Local<v8::Value> value, bool await_result) {
    v8::Isolate *isolate = state->isolate;
    v8::Local<v8::Promise> promise;
    if (await_result && !resolved(context, value).ToLocal(&promise))
        return cv8::caught(state, context, try_catch);
    cv8::run_microtasks(state);
    if (try_catch.HasTerminated() || cv8::terminating(state))
        return cv8::caught(state, context, try_catch);
    if (!await_result) return cv8::serialize(state, context, value);

    cv8_result result = settled(state, context, promise);
    if (result.status == CV8_PENDING) {
        // The host waits for it: a rejection later is the caller's, not an uncaught one.
        promise->MarkAsHandled();
        auto *held = new cv8_promise();
        held->promise.Reset(isolate, promise);
        state->promises.insert(held);
        result.promise = held;
    }
    return result;
}

cv8_result cv8_promise_poll(cv8_isolate *state, cv8_promise *held) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    cv8_result result = settled(state, context, held->promise.Get(isolate));
    if (result.status == CV8_PENDING) {
        result.promise = held;
    } else {
        cv8_promise_release(state, held);
    }
    return result;
}

void cv8_promise_release(cv8_isolate *state, cv8_promise *held) {
    state->promises.erase(held);
    delete held;
}
