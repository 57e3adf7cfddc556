// The globals a runtime adds to ECMAScript's: console, timers (timers.cc) and queueMicrotask.
// Nothing here reaches the file system, the network or the clock beyond timers.
#include "internal.h"

#include <string>

bool cv8_install_timers(cv8_isolate *state, v8::Local<v8::Context> context,
                        v8::Local<v8::Object> global);

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

struct ConsoleMethod {
    const char *name;
    int level;
};

// Node's methods, by the level each reports at.
const ConsoleMethod kConsoleMethods[] = {
    {"debug", CV8_CONSOLE_DEBUG}, {"info", CV8_CONSOLE_INFO},   {"log", CV8_CONSOLE_LOG},
    {"dir", CV8_CONSOLE_LOG},     {"trace", CV8_CONSOLE_DEBUG}, {"warn", CV8_CONSOLE_WARN},
    {"error", CV8_CONSOLE_ERROR},
};

void console_method(const FunctionCallbackInfo<Value> &info) {
    Local<v8::Array> data = info.Data().As<v8::Array>();
    Local<v8::Context> context = info.GetIsolate()->GetCurrentContext();
    // Reading the method's own data fails only while execution is being terminated.
    Local<Value> external, level_value;
    if (!data->Get(context, 0).ToLocal(&external) || !data->Get(context, 1).ToLocal(&level_value)) return;
    auto *state = static_cast<cv8_isolate *>(external.As<v8::External>()->Value());
    if (!state->console_enabled || cv8::stopping(state)) return;
    int level = level_value.As<v8::Int32>()->Value();
    std::vector<Local<Value>> arguments;
    for (int i = 0; i < info.Length(); i++) arguments.push_back(info[i]);
    cv8::console_emit(state, context, level,
                      v8::Array::New(info.GetIsolate(), arguments.data(), arguments.size()));
}

bool install_console(cv8_isolate *state, Local<v8::Context> context, Local<v8::Object> global) {
    v8::Isolate *isolate = state->isolate;
    Local<v8::Object> console = v8::Object::New(isolate);
    for (const ConsoleMethod &method : kConsoleMethods) {
        Local<Value> data_items[] = {v8::External::New(isolate, state),
                                     v8::Int32::New(isolate, method.level)};
        Local<v8::Function> function;
        if (!v8::Function::New(context, console_method, v8::Array::New(isolate, data_items, 2))
                 .ToLocal(&function))
            return false;
        Local<v8::String> name = v8::String::NewFromUtf8(isolate, method.name).ToLocalChecked();
        function->SetName(name);
        if (console->Set(context, name, function).IsNothing()) return false;
    }
    return global->Set(context, v8::String::NewFromUtf8Literal(isolate, "console"), console)
        .IsJust();
}

void queue_microtask(const FunctionCallbackInfo<Value> &info) {
    v8::Isolate *isolate = info.GetIsolate();
    if (info.Length() < 1 || !info[0]->IsFunction()) {
        isolate->ThrowException(v8::Exception::TypeError(
            v8::String::NewFromUtf8Literal(isolate, "The \"callback\" argument must be a function")));
        return;
    }
    isolate->EnqueueMicrotask(info[0].As<v8::Function>());
}

// A value for the console that can always be serialized: itself, or its string form.
Local<Value> printable(v8::Isolate *isolate, Local<v8::Context> context, Local<Value> value) {
    if (value->IsFunction()) {
        v8::String::Utf8Value name(isolate, value.As<v8::Function>()->GetName());
        std::string text = *name && **name ? std::string("[Function: ") + *name + "]"
                                           : std::string("[Function (anonymous)]");
        return cv8::text_string(isolate, text.data(), text.size());
    }
    if (value->IsSymbol()) {
        Local<Value> description = value.As<v8::Symbol>()->Description(isolate);
        v8::String::Utf8Value text(isolate, description);
        std::string symbol = std::string("Symbol(") + (*text && description->IsString() ? *text : "") + ")";
        return cv8::text_string(isolate, symbol.data(), symbol.size());
    }
    return value;
}

}  // namespace

bool cv8::install_globals(cv8_isolate *state, Local<v8::Context> context) {
    v8::Isolate *isolate = state->isolate;
    v8::Context::Scope scope(context);
    Local<v8::Object> global = context->Global();
    Local<v8::Function> microtask;
    if (!cv8::install_guards(state, context) || !install_console(state, context, global) ||
        (state->timers_enabled && !cv8_install_timers(state, context, global)) ||
        !v8::Function::New(context, queue_microtask).ToLocal(&microtask))
        return false;
    Local<v8::String> name = v8::String::NewFromUtf8Literal(isolate, "queueMicrotask");
    microtask->SetName(name);
    return global->Set(context, name, microtask).IsJust();
}

void cv8::console_emit(cv8_isolate *state, Local<v8::Context> context, int level,
                       Local<v8::Array> arguments) {
    if (!state->console_enabled || state->host.console == nullptr || cv8::stopping(state)) return;
    v8::Isolate *isolate = state->isolate;
    // Functions and symbols cannot be serialized: they go by their string form, at the top level.
    // (The array is the console's own: these steps run no script, and fail only by termination.)
    for (uint32_t i = 0; i < arguments->Length(); i++) {
        Local<Value> value;
        if (arguments->Get(context, i).ToLocal(&value))
            arguments->CreateDataProperty(context, i, printable(isolate, context, value)).IsNothing();
    }
    cv8_result result = cv8::serialize_quietly(state, context, arguments);
    // A getter was stopped by a termination: nothing is printed, and the caller unwinds.
    if (cv8::stopping(state)) return;
    if (result.status == CV8_TOO_LARGE) {
        // Past the byte limit: a line that says so instead (their string forms could be larger).
        std::string notice = "[arguments that take more than " + std::to_string(state->max_value_bytes) +
                             " bytes (ConversionLimits.maxBytes), not shown]";
        Local<Value> parts[] = {cv8::text_string(isolate, notice.data(), notice.size())};
        result = cv8::serialize_quietly(state, context, v8::Array::New(isolate, parts, 1));
        if (result.status != CV8_OK || cv8::stopping(state)) return;
    } else if (result.status != CV8_OK) {
        // Something nested could not be cloned: fall back to each argument's string form.
        for (uint32_t i = 0; i < arguments->Length(); i++) {
            v8::TryCatch quiet(isolate);
            Local<Value> value;
            Local<v8::String> text;
            if (arguments->Get(context, i).ToLocal(&value) && !value->IsString() &&
                value->ToString(context).ToLocal(&text))
                arguments->CreateDataProperty(context, i, text).IsNothing();
            if (cv8::stopping(state)) return;
        }
        result = cv8::serialize_quietly(state, context, arguments);
        if (result.status != CV8_OK || cv8::stopping(state)) return;
    }
    state->host.console(state->host.context, level, result.data, result.length);
}
