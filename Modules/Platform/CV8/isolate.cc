// Isolates: creation, disposal, termination, and the platform's tasks.
#include "internal.h"

#include <cstdlib>

cv8_isolate *cv8_isolate_new(void) {
    auto *state = new cv8_isolate();
    state->allocator = v8::ArrayBuffer::Allocator::NewDefaultAllocator();
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = state->allocator;
    state->isolate = v8::Isolate::New(params);
    if (state->isolate == nullptr) {
        delete state->allocator;
        delete state;
        return nullptr;
    }
    v8::Isolate *isolate = state->isolate;
    // The isolate lives on one thread for its whole life, so it stays entered.
    isolate->Enter();
    // Microtasks run when the shim says so: after each job, like a browser's event loop.
    isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
    // Errors record where they were created, so exceptions carry structured frames.
    isolate->SetCaptureStackTraceForUncaughtExceptions(true, 64, v8::StackTrace::kDetailed);

    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> context = v8::Context::New(isolate);
    state->context.Reset(isolate, context);
    return state;
}

void cv8_isolate_dispose(cv8_isolate *state) {
    for (cv8_promise *promise : state->promises) delete promise;
    state->promises.clear();
    state->context.Reset();
    state->isolate->Exit();
    state->isolate->Dispose();
    delete state->allocator;
    std::free(state->buffer);
    delete state;
}

void cv8_isolate_terminate(cv8_isolate *state) { state->isolate->TerminateExecution(); }

void cv8_run_pending_tasks(cv8_isolate *state) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    while (v8::platform::PumpMessageLoop(cv8::platform(), isolate)) {
    }
    isolate->PerformMicrotaskCheckpoint();
}
