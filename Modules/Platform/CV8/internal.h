// Shared by the shim's .cc files; never seen by Swift.
#pragma once

#include <libplatform/libplatform.h>
#include <v8.h>

#include <string>
#include <unordered_set>

#include "CV8.h"

struct cv8_promise {
    v8::Global<v8::Promise> promise;
};

struct cv8_isolate {
    v8::Isolate *isolate = nullptr;
    v8::ArrayBuffer::Allocator *allocator = nullptr;
    v8::Global<v8::Context> context;

    // The buffer results are serialized into: reused across calls, owned here.
    uint8_t *buffer = nullptr;
    size_t capacity = 0;
    // The text of the last CV8_UNSERIALIZABLE result.
    std::string message;
    // The serialized thrown value of the last CV8_EXCEPTION, when it was not an Error.
    std::string thrown;
    // Promises that Swift still waits for; released at dispose if Swift did not.
    std::unordered_set<cv8_promise *> promises;
};

namespace cv8 {

v8::Platform *platform();

// values.cc: serializes `value` into the isolate's buffer. CV8_OK, or CV8_UNSERIALIZABLE
// with a message, or an exception/termination raised while reading the value.
cv8_result serialize(cv8_isolate *state, v8::Local<v8::Context> context,
                     v8::Local<v8::Value> value);

// values.cc: the same, but an exception thrown while reading the value is swallowed and the
// status is CV8_EXCEPTION with no data (used for error records, which must not recurse).
cv8_result serialize_quietly(cv8_isolate *state, v8::Local<v8::Context> context,
                             v8::Local<v8::Value> value);

// errors.cc: the result for an exception caught by `try_catch` (or termination).
cv8_result caught(cv8_isolate *state, v8::Local<v8::Context> context,
                  v8::TryCatch &try_catch);

// errors.cc: the result for a rejected promise's reason.
cv8_result rejection(cv8_isolate *state, v8::Local<v8::Context> context,
                     v8::Local<v8::Value> reason);

// A result that carries no data.
inline cv8_result status_only(cv8_status status) {
    return cv8_result{status, nullptr, 0, nullptr, nullptr, 0};
}

}  // namespace cv8
