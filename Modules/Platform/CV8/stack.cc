// The stack: where V8 stops JavaScript on the runtime thread, and headroom past that point for
// the shim's own work (reading an error, serializing a value) when JavaScript used it all.
//
// V8 throws a RangeError once JavaScript reaches its stack limit, and its serializer and API
// calls fail there too. A script that recursed to the limit, or a re-entrant host call made at
// the limit, would then lose its own RangeError: the error record could not be read or
// serialized. So the shim sets the limit itself (the same size V8 would use), and lowers it by a
// bounded amount while it builds a record or serializes: never more than kReserve past the
// limit in all, which the runtime thread's stack keeps free (Swift's RuntimeThread).
#include "internal.h"

namespace {

// V8's default --stack-size, in KiB (src/common/globals.h, V8_DEFAULT_STACK_SIZE_KB).
#if defined(__aarch64__) || defined(__arm__)
constexpr size_t kDefaultStackKilobytes = 864;
#else
constexpr size_t kDefaultStackKilobytes = 984;
#endif

// What one piece of the shim's work may use past the point where it starts.
constexpr uintptr_t kHeadroom = 128u << 10;
// The most the limit is ever lowered, nested pieces of work included.
constexpr uintptr_t kReserve = 256u << 10;

// About where the stack is now (the caller's frame).
inline uintptr_t position() { return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)); }

}  // namespace

void cv8_isolate_set_stack_size(cv8_isolate *state, size_t kilobytes) {
    size_t bytes = (kilobytes == 0 ? kDefaultStackKilobytes : kilobytes) << 10;
    uintptr_t here = position();
    uintptr_t limit = here > bytes ? here - bytes : 1;
    state->stack_limit = limit;
    state->current_stack_limit = limit;
    state->isolate->SetStackLimit(limit);
}

cv8::Headroom::Headroom(cv8_isolate *state) : state_(state), previous_(state->current_stack_limit) {
    if (previous_ == 0) return;  // the limit is V8's own: nothing to lower
    uintptr_t floor = state->stack_limit > kReserve ? state->stack_limit - kReserve : 1;
    uintptr_t here = position();
    uintptr_t wanted = here > floor + kHeadroom ? here - kHeadroom : floor;
    if (wanted >= previous_) return;
    state->current_stack_limit = wanted;
    state->isolate->SetStackLimit(wanted);
}

cv8::Headroom::~Headroom() {
    if (state_->current_stack_limit == previous_) return;
    state_->current_stack_limit = previous_;
    state_->isolate->SetStackLimit(previous_);
}
