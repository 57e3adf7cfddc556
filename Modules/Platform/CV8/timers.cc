// Timers: setTimeout, setInterval and their clear functions, run by the host's event loop.
#include "internal.h"

#include <algorithm>
#include <chrono>
#include <string>

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

double now_ms() {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

cv8_isolate *state_of(const FunctionCallbackInfo<Value> &info) {
    return static_cast<cv8_isolate *>(info.Data().As<v8::External>()->Value());
}

// A delay that is not a number from 0 to 2^31-1 ms is 0, as in browsers (Node makes it 1 ms,
// which would put a millisecond into every `await` of a `setTimeout(f, 0)`).
double delay_of(const FunctionCallbackInfo<Value> &info) {
    if (info.Length() < 2) return 0;
    double delay = info[1]->NumberValue(info.GetIsolate()->GetCurrentContext()).FromMaybe(0);
    return delay >= 0 && delay <= 2147483647 ? delay : 0;
}

void schedule(cv8_isolate *state, cv8_timer &timer, uint32_t id, double due) {
    timer.due = std::make_pair(due, state->next_timer_sequence++);
    state->timer_queue.emplace(timer.due, id);
}

// The slots a timer takes: one, and one per argument.
size_t slots_of(const cv8_timer &timer) { return 1 + static_cast<size_t>(timer.argument_count); }

void add_timer(const FunctionCallbackInfo<Value> &info, bool repeat) {
    v8::Isolate *isolate = info.GetIsolate();
    if (info.Length() < 1 || !info[0]->IsFunction()) {
        isolate->ThrowException(v8::Exception::TypeError(
            v8::String::NewFromUtf8Literal(isolate, "The \"callback\" argument must be a function")));
        return;
    }
    cv8_isolate *state = state_of(info);
    uint32_t argument_count = info.Length() > 2 ? static_cast<uint32_t>(info.Length() - 2) : 0;
    size_t slots = 1 + static_cast<size_t>(argument_count);
    if (state->max_timer_slots > 0 && slots > state->max_timer_slots - std::min(state->timer_slots, state->max_timer_slots)) {
        std::string message = std::string(repeat ? "setInterval" : "setTimeout") +
                              ": too many pending timers (" + std::to_string(state->timer_slots) + " of " +
                              std::to_string(state->max_timer_slots) +
                              " slots taken, one per timer and one per argument: RuntimeConfig.maxPendingTimers)";
        isolate->ThrowException(v8::Exception::RangeError(cv8::text_string(isolate, message.data(), message.size())));
        return;
    }
    Local<v8::Array> arguments;
    if (argument_count > 0) {
        std::vector<Local<Value>> values;
        values.reserve(argument_count);
        for (int i = 2; i < info.Length(); i++) values.push_back(info[i]);
        arguments = v8::Array::New(isolate, values.data(), values.size());
    }
    uint32_t id = cv8::new_id(state->next_timer_id, state->timers);
    cv8_timer &timer = state->timers[id];
    timer.owner = state->owner;
    timer.limit_ms = state->owner_limit_ms;
    timer.callback.Reset(isolate, info[0].As<v8::Function>());
    if (argument_count > 0) timer.arguments.Reset(isolate, arguments);
    timer.argument_count = argument_count;
    state->timer_slots += slots;
    double delay = delay_of(info);
    if (repeat) {
        // An interval of 0 would spin the runtime's thread; browsers clamp it too.
        if (delay < 1) delay = 1;
        timer.interval_ms = delay;
        state->active_intervals++;
    }
    schedule(state, timer, id, now_ms() + delay);
    info.GetReturnValue().Set(id);
}

// Forgets a timer whose queue entry is gone already (it is running, or was just taken).
void forget(cv8_isolate *state, std::unordered_map<uint32_t, cv8_timer>::iterator found) {
    if (found->second.interval_ms > 0) state->active_intervals--;
    state->timer_slots -= slots_of(found->second);
    state->timers.erase(found);
}

void remove_timer(cv8_isolate *state, uint32_t id) {
    auto found = state->timers.find(id);
    if (found == state->timers.end()) return;
    // Its queue entry goes too: a loop that sets and clears timers holds nothing.
    auto queued = state->timer_queue.find(found->second.due);
    if (queued != state->timer_queue.end() && queued->second == id) state->timer_queue.erase(queued);
    forget(state, found);
}

void clear_timer(const FunctionCallbackInfo<Value> &info) {
    if (info.Length() < 1 || !info[0]->IsNumber()) return;
    double id = info[0].As<v8::Number>()->Value();
    if (id >= 1 && id <= UINT32_MAX) remove_timer(state_of(info), static_cast<uint32_t>(id));
}

}  // namespace

bool cv8_install_timers(cv8_isolate *state, Local<v8::Context> context, Local<v8::Object> global) {
    v8::Isolate *isolate = state->isolate;
    Local<v8::External> data = v8::External::New(isolate, state);
    struct Entry {
        const char *name;
        v8::FunctionCallback callback;
    };
    const Entry entries[] = {
        {"setTimeout", [](const FunctionCallbackInfo<Value> &info) { add_timer(info, false); }},
        {"setInterval", [](const FunctionCallbackInfo<Value> &info) { add_timer(info, true); }},
        {"clearTimeout", clear_timer},
        {"clearInterval", clear_timer},
    };
    for (const Entry &entry : entries) {
        Local<v8::Function> function;
        if (!v8::Function::New(context, entry.callback, data).ToLocal(&function)) return false;
        Local<v8::String> name = v8::String::NewFromUtf8(isolate, entry.name).ToLocalChecked();
        function->SetName(name);
        if (global->Set(context, name, function).IsNothing()) return false;
    }
    return true;
}

void cv8::clear_timers(cv8_isolate *state) {
    state->timers.clear();
    state->timer_queue.clear();
    state->active_intervals = 0;
    state->timer_slots = 0;
}

double cv8_timers_run(cv8_isolate *state, cv8_status *status) {
    v8::Isolate *isolate = state->isolate;
    v8::HandleScope handle_scope(isolate);
    Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    *status = CV8_OK;

    double now = now_ms();
    uint64_t last = state->next_timer_sequence;  // timers added while running wait
    while (!state->timer_queue.empty()) {
        auto next = state->timer_queue.begin();
        if (next->first.first > now || next->first.second >= last) break;
        uint32_t id = next->second;
        state->timer_queue.erase(next);
        auto found = state->timers.find(id);
        if (found == state->timers.end()) continue;  // cleared

        v8::HandleScope scope(isolate);
        cv8_timer &timer = found->second;
        Local<v8::Function> callback = timer.callback.Get(isolate);
        std::vector<Local<Value>> argv;
        if (!timer.arguments.IsEmpty()) {
            Local<v8::Array> arguments = timer.arguments.Get(isolate);
            argv.reserve(timer.argument_count);
            for (uint32_t i = 0; i < timer.argument_count; i++) {
                Local<Value> argument;
                // The array is the timer's own, never seen by a script: reading it runs nothing.
                if (!arguments->Get(context, i).ToLocal(&argument)) argument = v8::Undefined(isolate);
                argv.push_back(argument);
            }
        }
        // The callback runs on behalf of the timer's owner; timers it sets belong to it too.
        uint64_t owner = timer.owner;
        double limit_ms = timer.limit_ms;
        if (timer.interval_ms > 0) {
            schedule(state, timer, id, now + timer.interval_ms);
        } else {
            forget(state, found);  // before the call: its slots are free for the timers it sets
        }
        if (state->host.timer_starting != nullptr) state->host.timer_starting(state->host.context, owner, limit_ms);
        uint64_t outer_owner = state->owner;
        double outer_limit_ms = state->owner_limit_ms;
        state->owner = owner;
        state->owner_limit_ms = limit_ms;
        v8::TryCatch try_catch(isolate);
        callback->Call(context, v8::Undefined(isolate), static_cast<int>(argv.size()), argv.data())
            .IsEmpty();
        if (!try_catch.HasTerminated() && !cv8::terminating(state))
            cv8::run_microtasks(state);
        state->owner = outer_owner;
        state->owner_limit_ms = outer_limit_ms;
        if (try_catch.HasTerminated() || cv8::terminating(state)) {
            // A callback that had to be stopped does not run again.
            remove_timer(state, id);
            *status = cv8::terminated(state).status;
            return 0;
        }
        // Nobody catches it: the host hears of it, as an uncaught error, and then of the promises
        // the callback rejected without a handler, before the next callback runs (as Node does).
        if (try_catch.HasCaught()) cv8::report_uncaught(state, context, try_catch, CV8_UNCAUGHT_TIMER);
        cv8_report_uncaught(state);
    }
    return cv8_timers_next(state);
}

void cv8_set_owner(cv8_isolate *state, uint64_t owner, double limit_ms) {
    state->owner = owner;
    state->owner_limit_ms = limit_ms;
}

void cv8_timers_clear_owner(cv8_isolate *state, uint64_t owner) {
    std::vector<uint32_t> owned;
    for (const auto &entry : state->timers)
        if (entry.second.owner == owner) owned.push_back(entry.first);
    for (uint32_t id : owned) remove_timer(state, id);
}

double cv8_timers_next(cv8_isolate *state) {
    while (!state->timer_queue.empty() &&
           state->timers.count(state->timer_queue.begin()->second) == 0)
        state->timer_queue.erase(state->timer_queue.begin());
    if (state->timer_queue.empty()) return -1;
    double wait = state->timer_queue.begin()->first.first - now_ms();
    return wait > 0 ? wait : 0;
}
