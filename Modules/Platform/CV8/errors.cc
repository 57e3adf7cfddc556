// Exceptions out of V8: an "error record", a plain object serialized like any value:
//   { isError, name?, message, stack?, frames: [{function?, file?, line, column}] }
// plus, when the thrown value is not an Error object, that value serialized on its own
// (cv8_result.thrown), so a value Swift cannot represent does not spoil the record.
// Swift turns the two into a JavaScriptError.
#include "internal.h"

namespace {

using v8::Context;
using v8::Local;
using v8::Object;
using v8::String;
using v8::Value;

Local<String> text(v8::Isolate *isolate, const char *literal) {
    return String::NewFromUtf8(isolate, literal, v8::NewStringType::kInternalized)
        .ToLocalChecked();
}

// Defines a property of a record: runs no JavaScript, and fails only while a termination is in
// force, which the caller checks for.
void set(Local<Context> context, Local<Object> object, const char *key, Local<Value> value) {
    object->CreateDataProperty(context, text(context->GetIsolate(), key), value).IsNothing();
}

// A property read that may run a getter: a throwing getter yields an empty handle.
Local<Value> get_string(Local<Context> context, Local<Value> object, const char *key) {
    v8::TryCatch guard(context->GetIsolate());
    if (!object->IsObject()) return {};
    Local<Value> value;
    if (!object.As<Object>()->Get(context, text(context->GetIsolate(), key)).ToLocal(&value))
        return {};
    if (value->IsString()) return value;
    Local<String> converted;
    if (value->IsUndefined() || !value->ToString(context).ToLocal(&converted)) return {};
    return converted;
}

// String(value), or "Object.prototype.toString" when that throws (a symbol, null prototype).
Local<String> describe(Local<Context> context, Local<Value> value) {
    v8::TryCatch guard(context->GetIsolate());
    Local<String> result;
    if (value->ToString(context).ToLocal(&result)) return result;
    if (value->IsSymbol()) {
        Local<Value> description = value.As<v8::Symbol>()->Description(context->GetIsolate());
        if (description->IsString()) return description.As<String>();
    }
    if (value->IsObject() && value.As<Object>()->ObjectProtoToString(context).ToLocal(&result))
        return result;
    return text(context->GetIsolate(), "<value>");
}

Local<v8::Integer> integer(v8::Isolate *isolate, int value) {
    return v8::Integer::New(isolate, value);
}

Local<v8::Array> frames_from(Local<Context> context, Local<v8::StackTrace> trace) {
    v8::Isolate *isolate = context->GetIsolate();
    int count = trace->GetFrameCount();
    Local<v8::Array> frames = v8::Array::New(isolate, count);
    for (int i = 0; i < count; i++) {
        Local<v8::StackFrame> frame = trace->GetFrame(isolate, i);
        Local<Object> entry = Object::New(isolate);
        Local<String> function = frame->GetFunctionName();
        if (!function.IsEmpty() && function->Length() > 0) set(context, entry, "function", function);
        Local<String> file = frame->GetScriptNameOrSourceURL();
        if (!file.IsEmpty()) set(context, entry, "file", file);
        set(context, entry, "line", integer(isolate, frame->GetLineNumber()));
        set(context, entry, "column", integer(isolate, frame->GetColumn()));
        frames->CreateDataProperty(context, i, entry).IsNothing();
    }
    return frames;
}

// Where the exception was thrown, as one frame: all a syntax error has.
Local<v8::Array> frame_from(Local<Context> context, Local<v8::Message> message) {
    v8::Isolate *isolate = context->GetIsolate();
    Local<Object> entry = Object::New(isolate);
    Local<Value> file = message->GetScriptResourceName();
    if (file->IsString()) set(context, entry, "file", file);
    set(context, entry, "line", integer(isolate, message->GetLineNumber(context).FromMaybe(0)));
    set(context, entry, "column", integer(isolate, message->GetStartColumn(context).FromMaybe(0) + 1));
    Local<v8::Array> frames = v8::Array::New(isolate, 1);
    frames->CreateDataProperty(context, 0, entry).IsNothing();
    return frames;
}

Local<v8::Array> frames_for(Local<Context> context, Local<Value> exception,
                            Local<v8::Message> message) {
    Local<v8::StackTrace> trace = v8::Exception::GetStackTrace(exception);
    if (trace.IsEmpty() && !message.IsEmpty()) trace = message->GetStackTrace();
    if (!trace.IsEmpty() && trace->GetFrameCount() > 0) return frames_from(context, trace);
    if (!message.IsEmpty()) return frame_from(context, message);
    return v8::Array::New(context->GetIsolate(), 0);
}

cv8_result record(cv8_isolate *state, Local<Context> context, Local<Value> exception,
                  Local<v8::Message> message, const char *uncaught_prefix) {
    v8::Isolate *isolate = state->isolate;
    // An exception caught at the stack limit (deep recursion, a re-entrant call there) is still
    // read and serialized: without headroom the record itself would overflow, and be lost.
    cv8::Headroom headroom(state);
    // An Error made from a host error carries its id: the host gives back the original.
    state->last_host_error = cv8::host_error_id(state, context, exception);
    Local<Object> entry = Object::New(isolate);
    bool is_error = exception->IsNativeError();
    set(context, entry, "isError", v8::Boolean::New(isolate, is_error));
    // Each of these may run a getter of the script's: a termination that lands in one stops
    // the record (the getter's TryCatch must not let the next getter run on).
    if (is_error) {
        Local<Value> name = get_string(context, exception, "name");
        if (cv8::stopping(state)) return cv8::terminated(state);
        if (!name.IsEmpty()) set(context, entry, "name", name);
        Local<Value> text_value = get_string(context, exception, "message");
        if (cv8::stopping(state)) return cv8::terminated(state);
        set(context, entry, "message", text_value.IsEmpty() ? Local<Value>(String::Empty(isolate)) : text_value);
        Local<Value> stack = get_string(context, exception, "stack");
        if (cv8::stopping(state)) return cv8::terminated(state);
        if (!stack.IsEmpty()) set(context, entry, "stack", stack);
    } else {
        Local<String> prefix = text(isolate, uncaught_prefix);
        Local<String> described = describe(context, exception);
        if (cv8::stopping(state)) return cv8::terminated(state);
        set(context, entry, "message", String::Concat(isolate, prefix, described));
    }
    set(context, entry, "frames", frames_for(context, exception, message));

    bool has_thrown = false;
    if (!is_error) {
        cv8_result thrown = cv8::serialize_quietly(state, context, exception);
        if (thrown.status == CV8_TERMINATED || thrown.status == CV8_HEAP_LIMIT) return thrown;
        has_thrown = thrown.status == CV8_OK;
        // The record is serialized into the same buffer next, so keep a copy.
        if (has_thrown) state->thrown.assign(reinterpret_cast<const char *>(thrown.data), thrown.length);
    }
    // The record holds the error's strings only, bounded by the heap: never refused for its size.
    cv8_result result = cv8::serialize_quietly(state, context, entry, false);
    if (cv8::stopping(state)) return cv8::terminated(state);
    if (result.status != CV8_OK) return result;
    result.status = CV8_EXCEPTION;
    if (has_thrown) {
        result.thrown = reinterpret_cast<const uint8_t *>(state->thrown.data());
        result.thrown_length = state->thrown.size();
    }
    return result;
}

}  // namespace

cv8_result cv8::terminated(cv8_isolate *state) {
    return status_only(state->heap_limit_reached ? CV8_HEAP_LIMIT : CV8_TERMINATED);
}

cv8_result cv8::caught(cv8_isolate *state, Local<Context> context, v8::TryCatch &try_catch) {
    if (try_catch.HasTerminated() || terminating(state))
        return terminated(state);
    return record(state, context, try_catch.Exception(), try_catch.Message(), "Uncaught ");
}

cv8_result cv8::uncaught_exception(cv8_isolate *state, Local<Context> context, Local<Value> exception,
                                   Local<v8::Message> message) {
    return record(state, context, exception, message, "Uncaught ");
}

cv8_result cv8::rejection(cv8_isolate *state, Local<Context> context, Local<Value> reason) {
    Local<v8::Message> message = v8::Exception::CreateMessage(state->isolate, reason);
    return record(state, context, reason, message, "Uncaught (in promise) ");
}
