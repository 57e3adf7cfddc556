// CV8: JSRun's C API over V8. This header is the whole contract between Swift and V8:
// Swift never sees a V8 type, only the opaque handles and plain structs below.
//
// Threading: the platform functions may be called from any thread. Every function that takes a
// `cv8_isolate *` must be called on the thread that created that isolate, except
// `cv8_isolate_terminate`, which any thread may call.
//
// Values leave V8 as one buffer in V8's own serialization format (what v8::ValueSerializer and
// Node's `v8.serialize` write), decoded on the Swift side in one pass.
#ifndef CV8_H
#define CV8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Platform (platform.cc)

/// Sets V8 command-line flags (e.g. "--expose-gc --max-lazy"). Only meaningful before
/// `cv8_platform_initialize`; the caller enforces that order.
void cv8_platform_set_flags(const char *flags, size_t length);

/// Initialises V8 and its platform. Must be called exactly once per process, before any
/// isolate is created; the caller serialises calls.
void cv8_platform_initialize(void);

/// V8's version string, e.g. "10.2.154.26-node.36". Static storage.
const char *cv8_platform_version(void);

// MARK: - Isolates (isolate.cc)

/// An isolate with one context, plus the shim's per-isolate state. Opaque.
typedef struct cv8_isolate cv8_isolate;

/// Creates an isolate with one context. Returns NULL when V8 could not create one.
cv8_isolate *cv8_isolate_new(void);

/// Disposes of the isolate and everything it holds. The pointer is invalid afterwards.
void cv8_isolate_dispose(cv8_isolate *isolate);

/// Stops the JavaScript running on the isolate's thread as soon as possible. Any thread.
void cv8_isolate_terminate(cv8_isolate *isolate);

// MARK: - Results (eval.cc)

/// How a call into JavaScript ended.
typedef enum cv8_status {
    /// `data` holds the serialized value.
    CV8_OK = 0,
    /// JavaScript threw; `data` holds a serialized error record (see errors.cc).
    CV8_EXCEPTION = 1,
    /// Execution was terminated (cv8_isolate_terminate); `data` is empty.
    CV8_TERMINATED = 2,
    /// The value cannot be serialized (a function, a symbol, ...); `data` holds a UTF-8
    /// message that says which value and why.
    CV8_UNSERIALIZABLE = 3,
    /// The promise has not settled yet; `promise` identifies it for `cv8_promise_poll`.
    CV8_PENDING = 4,
} cv8_status;

/// A pending promise, held by the isolate until settled or released.
typedef struct cv8_promise cv8_promise;

/// The outcome of a call. `data` and `thrown` belong to the isolate and stay valid until the
/// next call that takes the same isolate.
typedef struct cv8_result {
    cv8_status status;
    const uint8_t *data;
    size_t length;
    /// With CV8_PENDING: the promise to poll.
    cv8_promise *promise;
    /// With CV8_EXCEPTION, when JavaScript threw a value that is not an Error object and that
    /// value could be serialized: the value, serialized on its own (else NULL).
    const uint8_t *thrown;
    size_t thrown_length;
} cv8_result;

/// Compiles and runs `source` as a classic script named `name`, then performs a microtask
/// checkpoint. With `await_result`, the completion value is resolved like `Promise.resolve`
/// (so thenables are followed) and, when it is still pending, the result is CV8_PENDING.
cv8_result cv8_eval(cv8_isolate *isolate, const char *source, size_t source_length,
                    const char *name, size_t name_length, bool await_result);

/// The state of a pending promise: CV8_PENDING while it is pending, otherwise its value
/// (CV8_OK) or its rejection as an error record (CV8_EXCEPTION). A settled promise is
/// released by this call; a pending one stays held.
cv8_result cv8_promise_poll(cv8_isolate *isolate, cv8_promise *promise);

/// Releases a pending promise without waiting for it.
void cv8_promise_release(cv8_isolate *isolate, cv8_promise *promise);

/// Runs V8's pending microtasks and the platform's tasks for this isolate.
void cv8_run_pending_tasks(cv8_isolate *isolate);

#ifdef __cplusplus
}
#endif

#endif  // CV8_H
