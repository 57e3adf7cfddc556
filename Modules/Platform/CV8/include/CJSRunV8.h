// CJSRunV8: JSRun's C API over V8. This header is the whole contract between Swift and V8:
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
/// `cv8_platform_initialize`; the caller enforces that order. The shim's own defaults
/// (`--no-verify-snapshot-checksum`) come first, so these override them.
void cv8_platform_set_flags(const char *flags, size_t length);

/// Initialises V8 and its platform. Must be called exactly once per process, before any
/// isolate is created; the caller serialises calls.
void cv8_platform_initialize(void);

/// V8's version string, e.g. "10.2.154.26-node.36". Static storage.
const char *cv8_platform_version(void);

// MARK: - Isolates (isolate.cc)

/// An isolate with one context, plus the shim's per-isolate state. Opaque.
typedef struct cv8_isolate cv8_isolate;

/// What a cv8_scalar holds.
typedef enum cv8_scalar_kind {
    CV8_SCALAR_UNDEFINED = 0,
    CV8_SCALAR_NULL = 1,
    CV8_SCALAR_FALSE = 2,
    CV8_SCALAR_TRUE = 3,
    CV8_SCALAR_NUMBER = 4,
    CV8_SCALAR_STRING = 5,
} cv8_scalar_kind;

/// A primitive value passed without serialization: the fast path of host calls.
typedef struct cv8_scalar {
    /// A cv8_scalar_kind.
    uint8_t kind;
    double number;
    /// With CV8_SCALAR_STRING: the string in UTF-8 (lone surrogates replaced by U+FFFD).
    const char *string;
    size_t length;
} cv8_scalar;

/// How a host's answer holds its value, with CV8_OK (cv8_host_reply.form).
typedef enum cv8_reply_form {
    /// `data` holds the value in V8's format (host objects in it are function ids).
    CV8_REPLY_SERIALIZED = 0,
    /// The value is `scalar`.
    CV8_REPLY_SCALAR = 1,
    /// A plain object of `count` properties: `members[2 * i]` is a key (a string) and
    /// `members[2 * i + 1]` its value. Keys are unique.
    CV8_REPLY_OBJECT = 2,
    /// An array of the `count` values in `members`.
    CV8_REPLY_ARRAY = 3,
} cv8_reply_form;

/// The most properties (or elements) of a CV8_REPLY_OBJECT (or CV8_REPLY_ARRAY) answer. Small
/// values of primitives skip V8's deserializer, whose set-up alone costs more than making them.
#define CV8_MAX_MEMBERS 16

/// What a host function answers.
typedef struct cv8_host_reply {
    /// CV8_OK: the value, as `form` says.
    /// CV8_EXCEPTION: JavaScript gets an Error named `name` with the message `data` (UTF-8),
    /// carrying `error_id` (when not 0) so that the host knows it again if it comes back.
    /// CV8_PENDING: nothing yet (async).
    int status;
    const uint8_t *data;
    size_t length;
    const char *name;
    size_t name_length;
    uint32_t error_id;
    /// A cv8_reply_form.
    uint8_t form;
    cv8_scalar scalar;
    const cv8_scalar *members;
    size_t count;
} cv8_host_reply;

struct cv8_result;

/// What the host (Swift) gives an isolate to call back. Every callback gets `context`.
typedef struct cv8_host {
    void *context;
    /// A console method was called, on the isolate's thread: `level` is a cv8_console_level,
    /// `data` the arguments serialized as one array (functions and symbols, and values that
    /// cannot be serialized, replaced by their string form).
    void (*console)(void *context, int level, const uint8_t *data, size_t length);
    /// V8 posted a task for this isolate, from any thread: the host should wake the isolate's
    /// thread so that it runs `cv8_run_pending_tasks`.
    void (*wake)(void *context);
    /// JavaScript called host function `binding` (see cv8_bind), on the isolate's thread, with
    /// `arguments` serialized as one array (a function argument is a host object holding its
    /// handle id). For an async binding, `resolver` names the promise JavaScript got, which the
    /// host settles later with cv8_resolver_settle; the reply then only reports a failure to
    /// start (or CV8_PENDING). When every argument is a primitive, they come as `scalars`
    /// (`count` of them) and `arguments` is NULL. When the arguments take more than
    /// `max_value_bytes`, both are NULL and `length` is what they took when they were refused
    /// (see CV8_TOO_LARGE): the host answers with its error.
    cv8_host_reply (*call)(void *context, void *binding, const uint8_t *arguments, size_t length,
                           const cv8_scalar *scalars, size_t count, uint32_t resolver);
    /// Modules (modules.cc): JavaScript called `import(specifier)` in the script or module named
    /// `referrer`, with the import assertion `type` (empty when none). The host loads the module
    /// graph and settles import `import_id` with cv8_module_import_finish or
    /// cv8_module_import_fail, later: never during this call, which runs inside JavaScript.
    void (*import_module)(void *context, uint32_t import_id, const char *specifier, size_t specifier_length,
                          const char *referrer, size_t referrer_length, const char *type, size_t type_length);
    /// Modules: while cv8_module_instantiate runs, the module that `specifier` (with the import
    /// assertion `type`, empty when none) stands for in module `referrer`: CV8_OK with `scalar` a
    /// number, the module's id; or CV8_EXCEPTION, which fails the instantiation.
    cv8_host_reply (*link_module)(void *context, uint32_t referrer, const char *specifier, size_t specifier_length,
                                  const char *type, size_t type_length);
    /// Modules: `import.meta.resolve(specifier)` in the module whose URL is `referrer`: CV8_OK
    /// with `scalar` a string, the fully qualified specifier; or CV8_EXCEPTION, thrown.
    cv8_host_reply (*resolve_module)(void *context, const char *specifier, size_t specifier_length,
                                     const char *referrer, size_t referrer_length);
    /// Timers: a timer's callback is about to run, on behalf of call `owner` with its limit
    /// `limit_ms` (0: none), as cv8_set_owner said when the timer was set. The host bounds the
    /// callback and the microtasks after it by that limit.
    void (*timer_starting)(void *context, uint64_t owner, double limit_ms);
    /// An error that no caller gets, from `origin` (a cv8_uncaught_origin): `error` is
    /// CV8_EXCEPTION with its error record, as a call's would be (valid during this call).
    void (*uncaught)(void *context, int origin, const struct cv8_result *error);
} cv8_host;

/// Where an error that no caller gets comes from (cv8_host.uncaught).
typedef enum cv8_uncaught_origin {
    /// A promise was rejected and had no handler at the end of the event loop's turn.
    CV8_UNCAUGHT_REJECTION = 0,
    /// A timer's callback threw.
    CV8_UNCAUGHT_TIMER = 1,
    /// A callback that V8 runs itself threw: a `queueMicrotask` callback, a
    /// FinalizationRegistry's cleanup.
    CV8_UNCAUGHT_MICROTASK = 2,
} cv8_uncaught_origin;



/// The console methods' levels, in the order Swift's `ConsoleLevel` lists them.
typedef enum cv8_console_level {
    CV8_CONSOLE_DEBUG = 0,
    CV8_CONSOLE_INFO = 1,
    CV8_CONSOLE_LOG = 2,
    CV8_CONSOLE_WARN = 3,
    CV8_CONSOLE_ERROR = 4,
} cv8_console_level;

typedef struct cv8_isolate_options {
    /// The heap limits in bytes; 0 for V8's defaults. The caller validates them.
    size_t max_heap_bytes;
    size_t initial_heap_bytes;
    /// Whether `console` reaches the host; when false its methods do nothing.
    bool console_enabled;
    /// Whether the timer functions exist (setTimeout, setInterval and their clear functions).
    bool timers_enabled;
    /// The most bytes a value serialized for the host may take (results, host-function
    /// arguments, console arguments, thrown values; not error records): a value past it is
    /// refused before it is written whole (CV8_TOO_LARGE). 0: no limit.
    size_t max_value_bytes;
    /// The most timers pending at once, each counting one plus its arguments: past it,
    /// setTimeout and setInterval throw a RangeError. 0: no limit.
    size_t max_timer_slots;
    cv8_host host;
} cv8_isolate_options;

/// Creates an isolate with one context, `console`, timers and `queueMicrotask`. Returns NULL
/// when V8 could not create one (for instance a heap too small for a context).
cv8_isolate *cv8_isolate_new(const cv8_isolate_options *options);

/// Disposes of the isolate and everything it holds. The pointer is invalid afterwards.
void cv8_isolate_dispose(cv8_isolate *isolate);

/// Stops the JavaScript running on the isolate's thread as soon as possible. Any thread.
///
/// The termination stays in force until `cv8_isolate_cancel_termination`: every entry into
/// JavaScript meanwhile (a getter the shim calls, a microtask, a timer) is terminated too, and
/// the shim's functions return CV8_TERMINATED. No shim function cancels it.
void cv8_isolate_terminate(cv8_isolate *isolate);
/// Ends a termination (one that `cv8_isolate_terminate` asked for), once the JavaScript stack
/// it stopped has unwound: only the host, which asked for it, calls this. On the isolate's
/// thread, with no JavaScript running.
void cv8_isolate_cancel_termination(cv8_isolate *isolate);
/// Runs `callback(context)` on the isolate's thread at the next safe point of the JavaScript
/// running there (nothing happens while no JavaScript runs). Any thread.
void cv8_isolate_request_interrupt(cv8_isolate *isolate, void (*callback)(void *context), void *context);

/// Sets where V8 stops JavaScript with a RangeError on this thread: `kilobytes` below the
/// caller's frame (V8's `--stack-size`; 0 for V8's default). The shim may use up to 256 KiB past
/// that point (reading the error of a script that used all of it): the thread's stack must have
/// that room, and the host's frames too. On the isolate's thread, once, before any JavaScript
/// runs (stack.cc).
void cv8_isolate_set_stack_size(cv8_isolate *isolate, size_t kilobytes);

/// Memory and activity of an isolate.
typedef struct cv8_stats {
    size_t heap_total_bytes;
    size_t heap_used_bytes;
    size_t heap_limit_bytes;
    size_t external_memory_bytes;
    size_t physical_total_bytes;
    uint32_t active_timers;
    uint32_t active_intervals;
    uint32_t function_handles;
} cv8_stats;
/// Fills `stats`. On the isolate's thread (also from an interrupt callback).
void cv8_isolate_stats(cv8_isolate *isolate, cv8_stats *stats);

// MARK: - Results (eval.cc)

/// How a call into JavaScript ended.
typedef enum cv8_status {
    /// `data` holds the serialized value; a function inside it is a host object holding the id
    /// of a new function handle (see cv8_function_name).
    CV8_OK = 0,
    /// JavaScript threw; `data` holds a serialized error record (see errors.cc).
    CV8_EXCEPTION = 1,
    /// Execution was terminated (cv8_isolate_terminate); `data` is empty.
    CV8_TERMINATED = 2,
    /// The value cannot be serialized (a symbol, a promise, a WeakMap, ...); `data` holds a
    /// UTF-8 message that says which value, where, and why.
    CV8_UNSERIALIZABLE = 3,
    /// The promise has not settled yet; `promise` identifies it for `cv8_promise_poll`.
    CV8_PENDING = 4,
    /// Execution was terminated because the heap reached its limit; `data` is empty.
    CV8_HEAP_LIMIT = 5,
    /// The value is a function, now held by the isolate as `function_id` (see
    /// cv8_function_call); `data` holds its name in UTF-8.
    CV8_FUNCTION = 6,
    /// The value takes more than `cv8_isolate_options.max_value_bytes` in V8's format and was
    /// refused before it was written whole; `data` is NULL and `length` is what it took when it
    /// was refused (at least that much: the whole value would take more).
    CV8_TOO_LARGE = 7,
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
    /// With CV8_FUNCTION: the id of the function handle.
    uint32_t function_id;
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

/// Hands the buffer that the last CV8_OK result's `data` points into over to the caller, who
/// frees it with free(); the isolate serializes into a new buffer from then on. This lets the
/// host keep large binary data where V8 wrote it instead of copying it. Call it before anything
/// else runs on the isolate (NULL when no result's buffer is there to hand over).
uint8_t *cv8_take_buffer(cv8_isolate *isolate);

/// Runs V8's pending microtasks and the platform's tasks for this isolate.
void cv8_run_pending_tasks(cv8_isolate *isolate);

// MARK: - Timers (timers.cc)

/// Runs the timers (`setTimeout`, `setInterval`) that are due, in due order, each followed by a
/// microtask checkpoint; timers added meanwhile wait for the next call. An exception a timer
/// throws goes to cv8_host.uncaught (CV8_UNCAUGHT_TIMER), then the promises its callback
/// rejected without a handler (cv8_report_uncaught). Returns the milliseconds until the next
/// timer is due (0 when one is due already), or -1 when no timer is pending. CV8_TERMINATED or
/// CV8_HEAP_LIMIT in `*status` when execution was stopped meanwhile, else CV8_OK; a timer whose
/// callback was stopped is cleared, an interval too.
double cv8_timers_run(cv8_isolate *isolate, cv8_status *status);
/// The milliseconds until the next timer is due (0 when one is due already), or -1 when no
/// timer is pending. Runs nothing.
double cv8_timers_next(cv8_isolate *isolate);
/// Says which of the host's calls the JavaScript that runs next runs on behalf of, and that
/// call's limit in milliseconds (0: none). Timers set meanwhile belong to that call: each of
/// their runs is announced with its owner and limit (cv8_host.timer_starting), and timers set
/// by a timer's callback belong to the same call.
void cv8_set_owner(cv8_isolate *isolate, uint64_t owner, double limit_ms);
/// Clears every timer that belongs to call `owner` (a call that was stopped).
void cv8_timers_clear_owner(cv8_isolate *isolate, uint64_t owner);

// MARK: - Host functions (callbacks.cc)

/// Installs host function `binding` (the host's pointer, passed back to cv8_host.call as it is)
/// at `path` (property names, the last one the function's),
/// creating plain objects for missing intermediate names. The names are property keys, never
/// source code. With `is_async`, calls return a promise settled by cv8_resolver_settle.
/// CV8_OK, or CV8_EXCEPTION when an intermediate name holds something that is not an object.
cv8_result cv8_bind(cv8_isolate *isolate, const char *const *path, const size_t *lengths, size_t count,
                    void *binding, bool is_async);
/// Sets the value at `path` (as cv8_bind walks it) to `data`, a value in V8's format whose host
/// objects are function ids. CV8_OK, or CV8_EXCEPTION.
cv8_result cv8_set(cv8_isolate *isolate, const char *const *path, const size_t *lengths, size_t count,
                   const uint8_t *data, size_t length);
/// Settles the promise of an async host call with `reply` (CV8_OK or CV8_EXCEPTION), then runs
/// the microtasks. Unknown resolvers are ignored.
void cv8_resolver_settle(cv8_isolate *isolate, uint32_t resolver, cv8_host_reply reply);
/// The host error id carried by the exception of the last CV8_EXCEPTION result, 0 if none.
uint32_t cv8_last_host_error(cv8_isolate *isolate);

// MARK: - Uncaught errors (uncaught.cc)

/// Whether promises were rejected without a handler since the last cv8_report_uncaught (and
/// still have none).
bool cv8_has_uncaught(cv8_isolate *isolate);
/// Sends each promise rejected without a handler since the last call, that still has none, to
/// cv8_host.uncaught (CV8_UNCAUGHT_REJECTION), in the order they were rejected: call it once
/// the JavaScript that may reject them has run with its microtasks (a job, a turn of the event
/// loop; cv8_timers_run calls it after each callback). Runs getters of the reasons (their `name`, `message`,
/// `stack`); nothing while a termination is in force (they wait for the next call). At most
/// 1000 rejections are kept a turn; the rest are counted and sent as one Error that says so.
void cv8_report_uncaught(cv8_isolate *isolate);

// MARK: - Function handles (functions.cc)

/// Calls the function `function_id` with the arguments in `arguments` (an array in V8's
/// serialization format, version 13-15; host objects in it are function ids written as a
/// uint32), then performs a microtask checkpoint. `this` is undefined, or with `has_receiver`
/// the array's first element (the arguments are the rest). The result is as cv8_eval's,
/// `await_result` included. CV8_UNSERIALIZABLE when the id is unknown.
cv8_result cv8_function_call(cv8_isolate *isolate, uint32_t function_id, const uint8_t *arguments,
                             size_t arguments_length, bool has_receiver, bool await_result);
/// Calls the method `name` of the value at `path` (`count` property names from globalThis,
/// read as `a.b.c` reads them, none created; `count` 0 for globalThis itself) with that value
/// as `this`, and the arguments as cv8_function_call takes them. A TypeError when a value on the
/// way is null or undefined, or the method is not a function. The result is as cv8_eval's.
cv8_result cv8_call_method(cv8_isolate *isolate, const char *const *path, const size_t *lengths, size_t count,
                           const char *name, size_t name_length, const uint8_t *arguments, size_t arguments_length,
                           bool await_result);
/// The `name` of the function `function_id` in UTF-8 (`*length` bytes, valid until the next call
/// that takes the isolate); "" when the id is unknown. For handles that arrive inside a value.
const char *cv8_function_name(cv8_isolate *isolate, uint32_t function_id, size_t *length);
/// Releases a function handle; unknown ids are ignored.
void cv8_function_release(cv8_isolate *isolate, uint32_t function_id);

// MARK: - Modules (modules.cc)
//
// The host owns the module graph: it resolves specifiers, fetches sources (perhaps
// asynchronously) and compiles each module here, then instantiates the graph from its root. V8
// asks the host for every import while instantiating (cv8_host.link_module), for every dynamic
// `import()` (cv8_host.import_module) and for `import.meta.resolve` (cv8_host.resolve_module).
// An import, dynamic or the host's own entry module, is a promise that the host settles once the
// graph is loaded: cv8_module_import_finish evaluates the module and fulfils the promise with
// the namespace when the evaluation (top-level await included) settles.

/// One import of a compiled module (an `import` declaration or an `export ... from`).
typedef struct cv8_module_request {
    /// UTF-8.
    const char *specifier;
    size_t specifier_length;
    /// The `type` import assertion, UTF-8; empty when there is none.
    const char *type;
    size_t type_length;
    /// Where the import is in the module, counting from 1.
    int line;
    int column;
} cv8_module_request;

/// What a module's source is.
typedef enum cv8_module_kind {
    /// JavaScript.
    CV8_MODULE_JAVASCRIPT = 0,
    /// JSON: the default export is the parsed value.
    CV8_MODULE_JSON = 1,
    /// Text: the default export is the source itself, a string.
    CV8_MODULE_TEXT = 2,
} cv8_module_kind;

/// Compiles `source` as a module of `kind` whose URL is `url` (its `import.meta.url`, and the
/// file of its stack frames). CV8_OK with `*module_id` set and `*requests` pointing to its
/// `*request_count` imports (valid until the next call that takes the isolate). Or
/// CV8_EXCEPTION: a SyntaxError (or JSON's) whose one frame says where.
/// The code V8 makes for a JavaScript module is kept for the whole process from the second
/// compile of the same URL and source on (up to 16 MiB, oldest out first), so that later
/// compiles of them, in any isolate, skip parsing.
cv8_result cv8_module_compile(cv8_isolate *isolate, const char *url, size_t url_length, const char *source,
                              size_t source_length, cv8_module_kind kind, uint32_t *module_id,
                              const cv8_module_request **requests, size_t *request_count);
/// Forgets a compiled module (one whose graph failed to load); V8 frees it when nothing uses it.
void cv8_module_release(cv8_isolate *isolate, uint32_t module_id);
/// Instantiates module `module_id` and its graph, linking each import through
/// cv8_host.link_module. CV8_OK, or CV8_EXCEPTION (an import the host refused, an export that
/// does not exist). A module instantiated before is left as it is.
cv8_result cv8_module_instantiate(cv8_isolate *isolate, uint32_t module_id);

/// Starts an import that the host settles (the host's own entry module): CV8_PENDING with
/// `promise`, which fulfils with the module's exports as a plain object (functions in it as
/// function handles), and `*import_id` for cv8_module_import_finish or _fail.
cv8_result cv8_module_import_new(cv8_isolate *isolate, uint32_t *import_id);
/// Settles import `import_id` with module `module_id`, instantiated: evaluates the module (one
/// evaluated before is not run again: its first evaluation's outcome stands) and, when the
/// evaluation settles, fulfils the import's promise with the namespace or rejects it with the
/// evaluation's error. CV8_OK, or CV8_TERMINATED or CV8_HEAP_LIMIT when execution was stopped
/// (the promise then never settles). Unknown imports are ignored.
cv8_status cv8_module_import_finish(cv8_isolate *isolate, uint32_t import_id, uint32_t module_id);
/// Rejects import `import_id` with the host's error (`reply`, with CV8_EXCEPTION, as for an
/// async host call), then runs the microtasks. Unknown imports are ignored.
void cv8_module_import_fail(cv8_isolate *isolate, uint32_t import_id, cv8_host_reply reply);
/// Forgets import `import_id` without settling it (nobody waits for it any more).
void cv8_module_import_release(cv8_isolate *isolate, uint32_t import_id);

#ifdef __cplusplus
}
#endif

#endif  // CV8_H
