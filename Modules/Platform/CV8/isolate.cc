// Isolates: creation with limits, disposal, termination, interrupts, stats, the platform's tasks.
#include "internal.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

namespace {

// V8 calls this when the heap is about to run out. Its default is to abort the process; here
// the running script is terminated instead, and the limit is raised so that V8 can unwind it
// (the engine closes the runtime afterwards: its heap is past its limit).
//
// V8 asks once per occasion, and aborts the process if the answer is too small
// (Heap::CollectGarbage: "Reached heap limit"; a failed allocation: "CALL_AND_RETRY_LAST"). And
// the termination lands only when the builtin that is allocating returns to JavaScript. So the
// answer starts from what the heap holds now, which can be far past the limit already (V8 admits
// a large young object whatever the limit, `new Array(1e7)` is 80 MB, and the next full
// collection promotes it), and adds room for the largest single allocation V8 makes (a string
// or a FixedArray of 1 GiB). The room is only reserved: memory is used only if the script
// allocates it before the termination lands, and the runtime is then disposed of.
constexpr size_t kUnwindRoom = (1u << 30) + (64u << 20);

size_t near_heap_limit(void *data, size_t current_limit, size_t) {
    auto *state = static_cast<cv8_isolate *>(data);
    state->heap_limit_reached = true;
    state->terminating.store(true, std::memory_order_release);
    state->isolate->TerminateExecution();
    v8::HeapStatistics heap;
    state->isolate->GetHeapStatistics(&heap);
    return std::max(current_limit, heap.total_heap_size()) + kUnwindRoom;
}

// ArrayBuffer memory lives outside V8's heap, where the heap limit does not reach it. With a
// budget, this allocator refuses an allocation that would take the isolate's ArrayBuffers past
// it: V8 then throws a RangeError ("Array buffer allocation failed") in the script. Any thread
// may free (V8 frees backing stores where it collects them).
class BudgetAllocator final : public v8::ArrayBuffer::Allocator {
  public:
    explicit BudgetAllocator(size_t budget) : budget_(budget) {}

    void *Allocate(size_t length) override {
        if (!reserve(length)) return nullptr;
        void *data = std::calloc(length == 0 ? 1 : length, 1);
        if (data == nullptr) release(length);
        return data;
    }

    void *AllocateUninitialized(size_t length) override {
        if (!reserve(length)) return nullptr;
        void *data = std::malloc(length == 0 ? 1 : length);
        if (data == nullptr) release(length);
        return data;
    }

    void Free(void *data, size_t length) override {
        std::free(data);
        release(length);
    }

    void *Reallocate(void *data, size_t old_length, size_t new_length) override {
        if (new_length > old_length && !reserve(new_length - old_length)) return nullptr;
        void *grown = std::realloc(data, new_length == 0 ? 1 : new_length);
        if (grown == nullptr) {
            if (new_length > old_length) release(new_length - old_length);
            return nullptr;
        }
        if (new_length > old_length) {
            std::memset(static_cast<uint8_t *>(grown) + old_length, 0, new_length - old_length);
        } else {
            release(old_length - new_length);
        }
        return grown;
    }

  private:
    bool reserve(size_t length) {
        size_t used = used_.load(std::memory_order_relaxed);
        do {
            if (length > budget_ - used) return false;
        } while (!used_.compare_exchange_weak(used, used + length, std::memory_order_relaxed));
        return true;
    }

    void release(size_t length) { used_.fetch_sub(length, std::memory_order_relaxed); }

    const size_t budget_;
    std::atomic<size_t> used_{0};
};

// The slot of the isolate's data that points to its cv8_isolate.
constexpr uint32_t kStateSlot = 0;

// After each outermost entry into JavaScript: while a termination is in force, ask for it
// again. V8 ends a termination once the stack it stopped has unwound to the embedder (a TryCatch
// that caught it, at call depth 0, clears it), so without this a getter that the shim calls next
// (reading an error's message, serializing a value) would run unbounded.
void keep_termination(v8::Isolate *isolate) {
    auto *state = static_cast<cv8_isolate *>(isolate->GetData(kStateSlot));
    if (state != nullptr && cv8::stopping(state)) isolate->TerminateExecution();
}

void release(cv8_isolate *state) {
    delete state->allocator;
    std::free(state->buffer);
    std::free(state->nested);
    delete state;
}

}  // namespace

cv8_isolate *cv8_isolate_new(const cv8_isolate_options *options) {
    auto *state = new cv8_isolate();
    state->host = options->host;
    state->max_value_bytes = options->max_value_bytes;
    state->max_timer_slots = options->max_timer_slots;
    state->console_enabled = options->console_enabled;
    state->timers_enabled = options->timers_enabled;
    // With a heap limit, ArrayBuffer contents may take as much again, and no more.
    state->allocator = options->max_heap_bytes > 0 ? new BudgetAllocator(options->max_heap_bytes)
                                                   : v8::ArrayBuffer::Allocator::NewDefaultAllocator();
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = state->allocator;
    if (options->max_heap_bytes > 0)
        params.constraints.ConfigureDefaultsFromHeapSize(options->initial_heap_bytes,
                                                         options->max_heap_bytes);
    state->isolate = v8::Isolate::New(params);
    if (state->isolate == nullptr) {
        release(state);
        return nullptr;
    }
    v8::Isolate *isolate = state->isolate;
    isolate->SetData(kStateSlot, state);
    isolate->AddNearHeapLimitCallback(near_heap_limit, state);
    isolate->AddCallCompletedCallback(keep_termination);
    cv8::watch_tasks(isolate, state->host);
    cv8::install_modules(state);
    cv8::install_uncaught(state);
    // The isolate lives on one thread for its whole life, so it stays entered.
    isolate->Enter();
    // Microtasks run when the shim says so: after each job, like a browser's event loop.
    isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
    // Errors record where they were created, so exceptions carry structured frames.
    isolate->SetCaptureStackTraceForUncaughtExceptions(true, 64, v8::StackTrace::kDetailed);

    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = v8::Context::New(isolate);
    if (context.IsEmpty() || !cv8::install_globals(state, context)) {
        cv8_isolate_dispose(state);
        return nullptr;
    }
    state->context.Reset(isolate, context);
    return state;
}

void cv8_isolate_dispose(cv8_isolate *state) {
    v8::Isolate *isolate = state->isolate;
    cv8::unwatch_tasks(isolate);
    for (cv8_promise *promise : state->promises) delete promise;
    state->promises.clear();
    cv8::clear_timers(state);
    cv8::clear_modules(state);
    cv8::clear_uncaught(state);
    state->functions.clear();
    state->resolvers.clear();
    state->handle_template.Reset();
    state->host_error_key.Reset();
    state->key_lists.clear();
    for (auto &maker : state->object_makers) maker.Reset();
    state->context.Reset();
    isolate->Exit();
    isolate->Dispose();
    // The default platform keeps a task queue per isolate until told it is gone.
    v8::platform::NotifyIsolateShutdown(cv8::platform(), isolate);
    release(state);
}

void cv8_isolate_terminate(cv8_isolate *state) {
    state->terminating.store(true, std::memory_order_release);
    state->isolate->TerminateExecution();
}

void cv8_isolate_cancel_termination(cv8_isolate *state) {
    state->terminating.store(false, std::memory_order_release);
    state->heap_limit_reached = false;
    state->isolate->CancelTerminateExecution();
}

void cv8::run_microtasks(cv8_isolate *state) {
    if (!stopping(state)) state->isolate->PerformMicrotaskCheckpoint();
}

void cv8_isolate_request_interrupt(cv8_isolate *state, void (*callback)(void *), void *context) {
    state->isolate->RequestInterrupt([](v8::Isolate *, void *data) {
        auto *call = static_cast<std::pair<void (*)(void *), void *> *>(data);
        call->first(call->second);
        delete call;
    }, new std::pair<void (*)(void *), void *>(callback, context));
}

void cv8_isolate_stats(cv8_isolate *state, cv8_stats *stats) {
    v8::HeapStatistics heap;
    state->isolate->GetHeapStatistics(&heap);
    stats->heap_total_bytes = heap.total_heap_size();
    stats->heap_used_bytes = heap.used_heap_size();
    stats->heap_limit_bytes = heap.heap_size_limit();
    stats->external_memory_bytes = heap.external_memory();
    stats->physical_total_bytes = heap.total_physical_size();
    stats->active_intervals = state->active_intervals;
    stats->active_timers = static_cast<uint32_t>(state->timers.size()) - state->active_intervals;
    stats->function_handles = static_cast<uint32_t>(state->functions.size());
}

void cv8_run_pending_tasks(cv8_isolate *state) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    // A platform task may run JavaScript (a FinalizationRegistry's cleanup): none while stopping.
    while (!cv8::stopping(state) && v8::platform::PumpMessageLoop(cv8::platform(), isolate)) {
    }
    cv8::run_microtasks(state);
}
