// Errors that no caller gets: a promise rejected with no handler, an exception a timer's
// callback threw, and one that a callback V8 runs itself threw (a queueMicrotask callback, a
// FinalizationRegistry's cleanup: V8 reports those to its message listeners, and with none it
// printed them on standard output). All go to the host (cv8_host.uncaught) as error records.
//
// A rejection is reported once the JavaScript that made it has run with its microtasks (a job,
// a timer's callback, a turn of the event loop: cv8_report_uncaught), as Node reports one. V8
// says when a promise is rejected without a handler (kPromiseRejectWithNoHandler) and when one
// gets a handler after all (kPromiseHandlerAddedAfterReject), so a rejection handled by then is
// not reported. Promises the host waits for are marked as handled (eval.cc, modules.cc).
#include "internal.h"

#include <utility>

namespace {

using v8::Local;
using v8::Value;

// The slot of the isolate's data that points to its cv8_isolate, as isolate.cc sets it.
constexpr uint32_t kStateSlot = 0;

// The most rejections one turn keeps track of: each holds its promise and reason alive until
// the turn ends. Past it, the rest are counted, and reported as one error.
constexpr size_t kMaxTracked = 1000;

// Keeps the rejections still unhandled, in their order, and indexes them again.
void compact(cv8_uncaught &uncaught) {
    std::vector<cv8_rejection> kept;
    kept.reserve(uncaught.by_hash.size());
    uncaught.by_hash.clear();
    for (cv8_rejection &rejection : uncaught.rejections) {
        if (rejection.promise.IsEmpty()) continue;
        uncaught.by_hash.emplace(rejection.hash, kept.size());
        kept.push_back(std::move(rejection));
    }
    uncaught.rejections = std::move(kept);
}

void track(v8::PromiseRejectMessage message) {
    Local<v8::Promise> promise = message.GetPromise();
    v8::Isolate *isolate = promise->GetIsolate();
    auto *state = static_cast<cv8_isolate *>(isolate->GetData(kStateSlot));
    if (state == nullptr) return;
    cv8_uncaught &uncaught = state->uncaught;
    switch (message.GetEvent()) {
        case v8::kPromiseRejectWithNoHandler: {
            if (uncaught.by_hash.size() >= kMaxTracked) {
                uncaught.untracked++;
                return;
            }
            // Most rejections get their handler within the turn (an awaited async function that
            // threw): drop those entries before they pile up.
            if (uncaught.rejections.size() >= 2 * kMaxTracked) compact(uncaught);
            Local<Value> reason = message.GetValue();
            if (reason.IsEmpty()) reason = v8::Undefined(isolate);
            int hash = promise->GetIdentityHash();
            uncaught.by_hash.emplace(hash, uncaught.rejections.size());
            uncaught.rejections.push_back(cv8_rejection{v8::Global<v8::Promise>(isolate, promise),
                                                        v8::Global<Value>(isolate, reason), hash});
            return;
        }
        case v8::kPromiseHandlerAddedAfterReject:
            cv8::forget_rejection(state, promise);
            return;
        default:
            return;  // resolving a settled promise again: not an error of the script's
    }
}

// Sends the record of an uncaught error to the host, unless a termination stopped reading it.
void send(cv8_isolate *state, int origin, const cv8_result &record) {
    if (record.status != CV8_EXCEPTION || state->host.uncaught == nullptr) return;
    state->host.uncaught(state->host.context, origin, &record);
}

// An exception that V8 reports itself: the shim's own TryCatches are not verbose, so only one
// that no TryCatch saw (a microtask's) gets here. V8 calls this inside a TryCatch of its own.
void on_message(Local<v8::Message> message, Local<Value> exception) {
    v8::Isolate *isolate = message->GetIsolate();
    auto *state = static_cast<cv8_isolate *>(isolate->GetData(kStateSlot));
    if (state == nullptr || cv8::terminating(state)) return;
    v8::HandleScope handle_scope(isolate);
    Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    send(state, CV8_UNCAUGHT_MICROTASK, cv8::uncaught_exception(state, context, exception, message));
}

}  // namespace

void cv8::forget_rejection(cv8_isolate *state, Local<v8::Promise> promise) {
    cv8_uncaught &uncaught = state->uncaught;
    if (uncaught.by_hash.empty()) return;
    auto range = uncaught.by_hash.equal_range(promise->GetIdentityHash());
    for (auto entry = range.first; entry != range.second; ++entry) {
        cv8_rejection &rejection = uncaught.rejections[entry->second];
        if (rejection.promise != promise) continue;
        rejection.promise.Reset();
        rejection.reason.Reset();
        uncaught.by_hash.erase(entry);
        return;
    }
}

void cv8::install_uncaught(cv8_isolate *state) {
    state->isolate->SetPromiseRejectCallback(track);
    state->isolate->AddMessageListenerWithErrorLevel(on_message, v8::Isolate::kMessageError);
}

void cv8::clear_uncaught(cv8_isolate *state) {
    state->uncaught.rejections.clear();
    state->uncaught.by_hash.clear();
    state->uncaught.untracked = 0;
}

void cv8::report_uncaught(cv8_isolate *state, Local<v8::Context> context, v8::TryCatch &try_catch, int origin) {
    if (!try_catch.HasCaught() || try_catch.HasTerminated() || cv8::stopping(state)) return;
    send(state, origin, cv8::caught(state, context, try_catch));
}

bool cv8_has_uncaught(cv8_isolate *state) {
    return !state->uncaught.by_hash.empty() || state->uncaught.untracked > 0;
}

void cv8_report_uncaught(cv8_isolate *state) {
    if (!cv8_has_uncaught(state) || cv8::stopping(state)) return;
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    // The host may run JavaScript as it hears of them, which may reject more promises: those
    // are the next turn's.
    std::vector<cv8_rejection> rejections = std::move(state->uncaught.rejections);
    size_t untracked = state->uncaught.untracked;
    cv8::clear_uncaught(state);
    for (cv8_rejection &rejection : rejections) {
        if (rejection.promise.IsEmpty()) continue;  // handled later in the turn
        if (cv8::stopping(state)) return;
        v8::HandleScope scope(isolate);
        v8::TryCatch try_catch(isolate);
        send(state, CV8_UNCAUGHT_REJECTION, cv8::rejection(state, context, rejection.reason.Get(isolate)));
    }
    if (untracked == 0 || cv8::stopping(state)) return;
    v8::TryCatch try_catch(isolate);
    std::string text = std::to_string(untracked) + " more promise" + (untracked == 1 ? " was" : "s were") +
                       " rejected without a handler in this turn; past " + std::to_string(kMaxTracked) +
                       " they are not tracked, so some may have been handled later in the turn";
    send(state, CV8_UNCAUGHT_REJECTION,
         cv8::rejection(state, context, v8::Exception::Error(cv8::text_string(isolate, text.data(), text.size()))));
}
