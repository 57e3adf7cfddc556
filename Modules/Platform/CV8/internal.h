// Shared by the shim's .cc files; never seen by Swift.
#pragma once

#include <libplatform/libplatform.h>
#include <v8.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "CJSRunV8.h"

struct cv8_promise {
    v8::Global<v8::Promise> promise;
};

// A pending setTimeout or setInterval, and the host's call it was set on behalf of (see
// cv8_set_owner): that call's limit bounds each of its runs, and stopping that call clears it.
// Its arguments are one JavaScript array, in the heap that the heap limit bounds; what it holds
// outside the heap (this, its map and queue entries) is bounded by the runtime's timer slots.
struct cv8_timer {
    v8::Global<v8::Function> callback;
    v8::Global<v8::Array> arguments;  // empty when there are none
    uint32_t argument_count = 0;
    double interval_ms = 0;  // 0 for a setTimeout
    uint64_t owner = 0;
    double limit_ms = 0;  // 0: none
    // Its entry in the isolate's timer queue: (due time in ms, sequence).
    std::pair<double, uint64_t> due{0, 0};
};

struct cv8_isolate;

// A promise rejected with no handler, until the turn ends or it gets one (uncaught.cc).
struct cv8_rejection {
    v8::Global<v8::Promise> promise;  // empty once it got a handler
    v8::Global<v8::Value> reason;
    int hash = 0;  // the promise's identity hash
};

// The rejections of the event loop's turn (uncaught.cc): in order, indexed by the promise's
// identity hash, and how many were past the most it keeps.
struct cv8_uncaught {
    std::vector<cv8_rejection> rejections;
    std::unordered_multimap<int, size_t> by_hash;
    size_t untracked = 0;
};

// The modules of an isolate (modules.cc).
struct cv8_modules;

// A bound host function, as its V8 function's data points to it (callbacks.cc).
struct cv8_binding {
    cv8_isolate *state;
    void *host_binding;  // what cv8_bind was given, for cv8_host.call
    bool is_async;
};

struct cv8_isolate {
    v8::Isolate *isolate = nullptr;
    v8::ArrayBuffer::Allocator *allocator = nullptr;
    v8::Global<v8::Context> context;
    cv8_host host{};
    bool console_enabled = false;
    bool timers_enabled = true;

    // Set by the near-heap-limit callback: the termination that follows is the heap's doing.
    bool heap_limit_reached = false;
    // A termination the host asked for (cv8_isolate_terminate, or the heap limit) is in force:
    // until the host cancels it, every entry into JavaScript is terminated again (isolate.cc).
    // Set from any thread.
    std::atomic<bool> terminating{false};

    // Timers by id, and the order they are due in: (due time in ms, sequence) -> id.
    std::unordered_map<uint32_t, cv8_timer> timers;
    std::map<std::pair<double, uint64_t>, uint32_t> timer_queue;
    uint32_t next_timer_id = 1;
    // The host's call that JavaScript runs on behalf of now, and its limit (cv8_set_owner).
    uint64_t owner = 0;
    double owner_limit_ms = 0;
    uint64_t next_timer_sequence = 0;
    uint32_t active_intervals = 0;
    // The slots the pending timers take (one each, plus one per argument), and the most they
    // may take (0: no limit; see cv8_isolate_options.max_timer_slots).
    size_t timer_slots = 0;
    size_t max_timer_slots = 0;

    // Functions handed to the host, by id.
    std::unordered_map<uint32_t, v8::Global<v8::Function>> functions;
    uint32_t next_function_id = 1;

    // The bound host functions, owned here.
    std::vector<std::unique_ptr<cv8_binding>> bindings;

    // Promises of async host calls, by resolver id.
    std::unordered_map<uint32_t, v8::Global<v8::Promise::Resolver>> resolvers;
    uint32_t next_resolver_id = 1;
    // Objects standing for a function handle inside serialized data (one internal field: the
    // id), and the private key that marks an Error made from a host error with its id.
    v8::Global<v8::ObjectTemplate> handle_template;
    v8::Global<v8::Private> host_error_key;
    // The keys of objects that host answers made from members, as V8 names, by their list
    // (replies.cc).
    std::unordered_map<std::string, std::vector<v8::Global<v8::Name>>> key_lists;
    std::string key_list_key;
    // The functions that make those objects, by their number of members (replies.cc).
    v8::Global<v8::Function> object_makers[CV8_MAX_MEMBERS + 1];
    uint32_t last_host_error = 0;

    // The buffers results are serialized into (values.cc), owned here. A serialization writes
    // into `buffer`, reused from call to call, unless another one is writing there already: a
    // getter or a proxy trap can call the host, which serializes again, in the middle of it.
    // Such a nested one writes into a buffer of its own, kept in `nested` until the next.
    uint8_t *buffer = nullptr;
    size_t capacity = 0;
    bool buffer_in_use = false;
    uint8_t *nested = nullptr;
    // The buffer the last CV8_OK result's data is in (for cv8_take_buffer).
    uint8_t *last_result = nullptr;
    // The text of the last CV8_UNSERIALIZABLE result.
    std::string message;
    // The most bytes a serialized value may take (0: no limit): past it, CV8_TOO_LARGE.
    size_t max_value_bytes = 0;
    // The serialized thrown value of the last CV8_EXCEPTION, when it was not an Error.
    std::string thrown;
    // The stack limit the host set (cv8_isolate_set_stack_size), and the one in force now,
    // lower while the shim works past it (stack.cc); 0 while V8's own applies.
    uintptr_t stack_limit = 0;
    uintptr_t current_stack_limit = 0;
    // Promises that Swift still waits for; released at dispose if Swift did not.
    std::unordered_set<cv8_promise *> promises;
    // Compiled modules and pending imports (modules.cc).
    cv8_modules *modules = nullptr;
    // Promises rejected with no handler in this turn of the event loop (uncaught.cc).
    cv8_uncaught uncaught;
};

namespace cv8 {

// platform.cc: the default platform that V8 runs on (for PumpMessageLoop and shutdown).
v8::Platform *platform();

// platform.cc: wakes the host when V8 posts a task for `isolate`, from any thread.
void watch_tasks(v8::Isolate *isolate, cv8_host host);
void unwatch_tasks(v8::Isolate *isolate);

// globals.cc: installs console, timers and queueMicrotask on the context's global object.
bool install_globals(cv8_isolate *state, v8::Local<v8::Context> context);

// guards.cc: wraps the builtins that V8 10.2 aborts the process on for some inputs, so that
// such inputs are a RangeError instead.
bool install_guards(cv8_isolate *state, v8::Local<v8::Context> context);

// globals.cc: sends `arguments` to the host's console callback at `level`.
void console_emit(cv8_isolate *state, v8::Local<v8::Context> context, int level,
                  v8::Local<v8::Array> arguments);

// timers.cc: releases every timer (at dispose).
void clear_timers(cv8_isolate *state);

// modules.cc: sets up the module callbacks (dynamic import, import.meta) at creation, and
// releases every module and pending import at dispose.
void install_modules(cv8_isolate *state);
void clear_modules(cv8_isolate *state);

// uncaught.cc: tracks promises rejected without a handler (at creation); releases them (at
// dispose).
void install_uncaught(cv8_isolate *state);
void clear_uncaught(cv8_isolate *state);

// uncaught.cc: forgets `promise`'s rejection, which the host handles (a result it awaited).
void forget_rejection(cv8_isolate *state, v8::Local<v8::Promise> promise);

// uncaught.cc: sends the exception `try_catch` caught, which nobody else will see (a timer's
// callback threw it), to the host as uncaught from `origin` (a cv8_uncaught_origin).
void report_uncaught(cv8_isolate *state, v8::Local<v8::Context> context, v8::TryCatch &try_catch, int origin);

// A new id from `next` for a table of ids: never 0 (which stands for none), never one still in
// `in_use`, even once ids wrap after 2^32.
template <typename Table>
uint32_t new_id(uint32_t &next, const Table &in_use) {
    uint32_t id;
    do {
        id = next++;
    } while (id == 0 || in_use.count(id) != 0);
    return id;
}

// replies.cc: a string from UTF-8 for a message, a name, a key or a URL, which cannot fail: cut
// to the longest string JavaScript allows (no such text is that long in practice).
v8::Local<v8::String> text_string(v8::Isolate *isolate, const char *text, size_t length);

// functions.cc: holds `function` as a new handle; returns its id.
uint32_t hold(cv8_isolate *state, v8::Local<v8::Function> function);

// functions.cc: holds `function` as a handle; the result is CV8_FUNCTION with its id and name.
cv8_result hold_function(cv8_isolate *state, v8::Local<v8::Function> function);

// callbacks.cc: a host object that serializes as function handle `id`.
v8::MaybeLocal<v8::Object> handle_object(cv8_isolate *state, v8::Local<v8::Context> context, uint32_t id);

// callbacks.cc: holds `function` as a new handle and returns its stand-in (handle_object).
v8::MaybeLocal<v8::Object> stand_in(cv8_isolate *state, v8::Local<v8::Context> context,
                                    v8::Local<v8::Function> function);

// callbacks.cc: the id in a host object made by handle_object, or 0.
uint32_t handle_id(v8::Local<v8::Object> object);

// callbacks.cc: the Error that a host reply with CV8_EXCEPTION stands for.
v8::Local<v8::Value> host_error(cv8_isolate *state, v8::Local<v8::Context> context, const cv8_host_reply &reply);

// callbacks.cc: the host error id an exception carries, or 0.
uint32_t host_error_id(cv8_isolate *state, v8::Local<v8::Context> context, v8::Local<v8::Value> exception);

// replies.cc: a string from UTF-8; empty, with a RangeError thrown, when it is longer than
// JavaScript allows.
v8::MaybeLocal<v8::String> new_string(v8::Isolate *isolate, const char *text, size_t length,
                                      v8::NewStringType type = v8::NewStringType::kNormal);

// replies.cc: a cv8_scalar as a V8 value.
v8::MaybeLocal<v8::Value> scalar_value(v8::Isolate *isolate, const cv8_scalar &scalar);

// replies.cc: the value of a host's answer with CV8_OK (see cv8_reply_form); empty, with an
// exception pending, when it cannot be made.
v8::MaybeLocal<v8::Value> reply_value(cv8_isolate *state, v8::Local<v8::Context> context,
                                      const cv8_host_reply &reply);

// values.cc: reads a value written in V8's format, with function ids for host objects.
v8::MaybeLocal<v8::Value> deserialize(cv8_isolate *state, v8::Local<v8::Context> context,
                                      const uint8_t *data, size_t length);

// eval.cc: the result of a value that was just computed: serialized, or awaited.
cv8_result finish(cv8_isolate *state, v8::Local<v8::Context> context, v8::TryCatch &try_catch,
                  v8::Local<v8::Value> value, bool await_result);

// errors.cc: the result for an execution stopped by termination or by the heap limit. It does
// not cancel the termination: only the host, which asked for it, does (once the JavaScript
// stack it stopped has unwound).
cv8_result terminated(cv8_isolate *state);

// isolate.cc: whether a termination is in force (see cv8_isolate::terminating). Shim code that
// has just called into JavaScript checks it and unwinds instead of going on.
inline bool stopping(const cv8_isolate *state) { return state->terminating.load(std::memory_order_acquire); }

// stack.cc: while it lives, the stack limit is lowered (by a bounded amount) so that the shim's
// work after JavaScript used its whole stack can still read and serialize: an error record,
// a result. JavaScript that runs meanwhile (a getter) gets that headroom too.
class Headroom {
  public:
    explicit Headroom(cv8_isolate *state);
    ~Headroom();
    Headroom(const Headroom &) = delete;
    Headroom &operator=(const Headroom &) = delete;

  private:
    cv8_isolate *state_;
    uintptr_t previous_;
};

// Whether execution is being terminated, as V8 sees it (a termination under way) or as the shim
// does (one in force): the question shim code asks after it has called into JavaScript.
inline bool terminating(const cv8_isolate *state) {
    return state->isolate->IsExecutionTerminating() || stopping(state);
}

// isolate.cc: runs the microtasks, unless a termination is in force.
void run_microtasks(cv8_isolate *state);

// values.cc: serializes `value` into the isolate's buffer. CV8_OK, or CV8_UNSERIALIZABLE
// with a message, or CV8_TOO_LARGE (past `max_value_bytes`), or an exception/termination raised
// while reading the value.
cv8_result serialize(cv8_isolate *state, v8::Local<v8::Context> context,
                     v8::Local<v8::Value> value);

// clone.cc: a copy of `value` that the serializer can write (functions as handle stand-ins,
// proxies and exotic objects as plain objects), or nothing: then either an exception is pending
// (a getter threw) or `problem` says which value cannot cross, where, and why.
v8::MaybeLocal<v8::Value> clonable_copy(cv8_isolate *state, v8::Local<v8::Context> context,
                                        v8::Local<v8::Value> value, std::string *problem);

// values.cc: the same, but an exception thrown while reading the value is swallowed and the
// status is CV8_EXCEPTION with no data (used for error records, which must not recurse). Without
// `limited`, the value may take more than the byte limit (an error record: its strings).
cv8_result serialize_quietly(cv8_isolate *state, v8::Local<v8::Context> context,
                             v8::Local<v8::Value> value, bool limited = true);

// errors.cc: the result for an exception caught by `try_catch` (or termination).
cv8_result caught(cv8_isolate *state, v8::Local<v8::Context> context,
                  v8::TryCatch &try_catch);

// errors.cc: the result for an exception that V8 reported itself, with its message (one a
// microtask threw).
cv8_result uncaught_exception(cv8_isolate *state, v8::Local<v8::Context> context, v8::Local<v8::Value> exception,
                              v8::Local<v8::Message> message);

// errors.cc: the result for a rejected promise's reason.
cv8_result rejection(cv8_isolate *state, v8::Local<v8::Context> context,
                     v8::Local<v8::Value> reason);

// A result that carries no data.
inline cv8_result status_only(cv8_status status) {
    return cv8_result{status, nullptr, 0, nullptr, nullptr, 0, 0};
}

}  // namespace cv8
