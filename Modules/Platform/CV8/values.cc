// Values out of V8: one pass of v8::ValueSerializer into a buffer the isolate reuses.
#include "internal.h"

#include <cstdlib>

namespace {

// A buffer larger than this is freed after use rather than kept for the next call.
constexpr size_t kKeptBufferLimit = 8u << 20;

// Writes into the isolate's reusable buffer (or, nested in another serialization, a buffer of
// its own), and turns "cannot clone" into a message instead of a JavaScript exception the caller
// would mistake for the script's own.
//
// It also refuses to grow the buffer for a value that takes more than `limit` bytes (0: no
// limit), so that such a value is refused before it is written whole: a 2 GiB Uint8Array costs
// nothing, not 2 GB and seconds. V8 grows its buffer in ValueSerializer::ExpandBuffer, asking
// for `max(required, 2 * capacity) + 64` bytes, and only when `required` is more than its
// capacity (the capacity granted last). So a request says that the value needs more than that
// capacity, and, when it is not a doubling, exactly `size - 64` bytes so far: one large string
// or buffer is refused before a byte of it is copied. A value within the limit may still be
// given up to twice the limit while its buffer doubles; the host checks the exact size after.
// When a request is refused, V8 marks the serializer out of memory and throws a DataCloneError
// ("out of memory") through ThrowDataCloneError, which is how the refusal ends.
class Delegate final : public v8::ValueSerializer::Delegate {
  public:
    Delegate(cv8_isolate *state, bool shared, size_t limit) : state_(state), shared_(shared), limit_(limit) {}

    bool failed_to_clone = false;
    // Set when the value was refused for taking more than `limit` bytes: at least `needed`.
    bool too_large = false;
    size_t needed = 0;

    void ThrowDataCloneError(v8::Local<v8::String> message) override {
        failed_to_clone = true;
        v8::Isolate *isolate = state_->isolate;
        v8::String::Utf8Value text(isolate, message);
        state_->message.assign(*text ? *text : "the value could not be serialized");
        // Serialization stops only when an exception is pending; this one is never reported.
        isolate->ThrowException(message);
    }

    void *ReallocateBufferMemory(void *old_buffer, size_t size, size_t *actual_size) override {
        // What the value needs at least (see above).
        size_t required = size > 2 * granted_ + 64 ? size - 64 : granted_ + 1;
        if (limit_ > 0 && required > limit_) {
            too_large = true;
            needed = required;
            return nullptr;
        }
        void *grown = grow(old_buffer, size, actual_size);
        if (grown != nullptr) granted_ = *actual_size;
        return grown;
    }

    // The shared buffer belongs to the isolate's state, not to the serializer; a nested
    // serialization that failed frees its own.
    void FreeBufferMemory(void *buffer) override {
        if (!shared_) std::free(buffer);
    }

    // A SharedArrayBuffer cannot leave its isolate; refused like any other uncloneable value,
    // so that the message says where it was.
    v8::Maybe<uint32_t> GetSharedArrayBufferId(v8::Isolate *isolate, v8::Local<v8::SharedArrayBuffer>) override {
        ThrowDataCloneError(v8::String::NewFromUtf8Literal(isolate, "a SharedArrayBuffer cannot be cloned"));
        return v8::Nothing<uint32_t>();
    }

    // A function handle's stand-in (see callbacks.cc) is written as its id.
    v8::Maybe<bool> WriteHostObject(v8::Isolate *isolate, v8::Local<v8::Object> object) override {
        uint32_t id = cv8::handle_id(object);
        if (id == 0) {
            ThrowDataCloneError(v8::String::NewFromUtf8Literal(isolate, "a host object cannot be cloned"));
            return v8::Nothing<bool>();
        }
        serializer->WriteUint32(id);
        return v8::Just(true);
    }

    v8::ValueSerializer *serializer = nullptr;

  private:
    cv8_isolate *state_;
    bool shared_;
    size_t limit_;
    // The capacity of V8's buffer: what the last request was given.
    size_t granted_ = 0;

    void *grow(void *old_buffer, size_t size, size_t *actual_size) {
        if (!shared_) {
            void *grown = std::realloc(old_buffer, size);
            if (grown != nullptr) *actual_size = size;
            return grown;
        }
        if (old_buffer == nullptr) old_buffer = state_->buffer;
        if (old_buffer == state_->buffer && size <= state_->capacity) {
            *actual_size = state_->capacity;
            return state_->buffer;
        }
        void *grown = std::realloc(old_buffer, size);
        if (grown == nullptr) return nullptr;
        state_->buffer = static_cast<uint8_t *>(grown);
        state_->capacity = size;
        *actual_size = size;
        return grown;
    }
};

}  // namespace

namespace {

// Whether the serializer itself ran out of stack on a deeply nested value: a RangeError that
// no script threw (it has no source line), unlike one a getter throws. Then `state->message`
// says so, for a conversion error rather than an exception from nowhere.
bool ran_out_of_stack(cv8_isolate *state, v8::Local<v8::Context> context, v8::TryCatch &try_catch) {
    v8::Local<v8::Value> exception = try_catch.Exception();
    v8::Local<v8::Message> message = try_catch.Message();
    if (exception.IsEmpty() || !exception->IsNativeError() || message.IsEmpty()) return false;
    if (message->GetLineNumber(context).FromMaybe(0) != 0) return false;
    v8::String::Utf8Value text(state->isolate, exception);
    if (*text == nullptr || std::string(*text).rfind("RangeError", 0) != 0) return false;
    state->message.assign("the value is nested too deeply to be copied (V8's serializer ran out of stack)");
    try_catch.Reset();
    return true;
}

// Serializes `value`, within the isolate's byte limit when `limited`; an exception thrown while
// reading it stays in `try_catch`.
cv8_result write(cv8_isolate *state, v8::Local<v8::Context> context, v8::Local<v8::Value> value,
                 v8::TryCatch &try_catch, bool *too_deep = nullptr, bool limited = true) {
    // A value read at the stack limit (a result of a re-entrant call there) is still written;
    // only a value nested too deeply for the headroom runs out of stack.
    cv8::Headroom headroom(state);
    // The outermost serialization has the shared buffer; one nested in it, a buffer of its own.
    bool shared = !state->buffer_in_use;
    if (shared && state->capacity > kKeptBufferLimit) {
        std::free(state->buffer);
        state->buffer = nullptr;
        state->capacity = 0;
    }
    struct InUse {
        cv8_isolate *state;
        bool shared;
        InUse(cv8_isolate *state, bool shared) : state(state), shared(shared) {
            if (shared) state->buffer_in_use = true;
        }
        ~InUse() {
            if (shared) state->buffer_in_use = false;
        }
    } in_use(state, shared);
    Delegate delegate(state, shared, limited ? state->max_value_bytes : 0);
    v8::ValueSerializer serializer(state->isolate, &delegate);
    delegate.serializer = &serializer;
    serializer.WriteHeader();
    if (serializer.WriteValue(context, value).IsNothing()) {
        if (try_catch.HasTerminated() || cv8::stopping(state)) return cv8::status_only(CV8_TERMINATED);
        if (delegate.too_large) {
            // The DataCloneError that V8 threw for it is no script's.
            try_catch.Reset();
            return cv8_result{CV8_TOO_LARGE, nullptr, delegate.needed, nullptr, nullptr, 0, 0};
        }
        bool deep = !delegate.failed_to_clone && ran_out_of_stack(state, context, try_catch);
        if (too_deep != nullptr) *too_deep = deep;
        if (delegate.failed_to_clone || deep) {
            return cv8_result{CV8_UNSERIALIZABLE,
                              reinterpret_cast<const uint8_t *>(state->message.data()),
                              state->message.size(), nullptr, nullptr, 0, 0};
        }
        return cv8::status_only(CV8_EXCEPTION);
    }
    std::pair<uint8_t *, size_t> written = serializer.Release();
    if (!shared) {
        // Kept until the next nested result: the caller reads it first.
        std::free(state->nested);
        state->nested = written.first;
    }
    state->last_result = written.first;
    return cv8_result{CV8_OK, written.first, written.second, nullptr, nullptr, 0, 0};
}

}  // namespace

cv8_result cv8::serialize(cv8_isolate *state, v8::Local<v8::Context> context,
                          v8::Local<v8::Value> value) {
    // A function cannot be cloned: the host gets a handle to it instead.
    if (value->IsFunction()) return cv8::hold_function(state, value.As<v8::Function>());
    v8::TryCatch try_catch(state->isolate);
    bool too_deep = false;
    cv8_result result = write(state, context, value, try_catch, &too_deep);
    // A copy would be as deep, or as large: the result says why already.
    if (too_deep || result.status == CV8_TOO_LARGE) return result;
    if (result.status == CV8_UNSERIALIZABLE) {
        // Functions inside, proxies or other exotic objects: serialize a copy without them, or
        // say which value cannot cross and where.
        try_catch.Reset();
        std::string problem;
        v8::Local<v8::Value> copy;
        if (cv8::clonable_copy(state, context, value, &problem).ToLocal(&copy)) {
            result = write(state, context, copy, try_catch);
        } else if (!try_catch.HasCaught()) {
            state->message = problem;
            return cv8_result{CV8_UNSERIALIZABLE, reinterpret_cast<const uint8_t *>(state->message.data()),
                              state->message.size(), nullptr, nullptr, 0, 0};
        } else if (!try_catch.HasTerminated() && !cv8::stopping(state) && ran_out_of_stack(state, context, try_catch)) {
            // The copy recursed until V8's stack limit: the value is too deep, like one without
            // functions that the serializer could not write.
            return cv8_result{CV8_UNSERIALIZABLE, reinterpret_cast<const uint8_t *>(state->message.data()),
                              state->message.size(), nullptr, nullptr, 0, 0};
        } else {
            result = cv8::status_only(try_catch.HasTerminated() || cv8::stopping(state) ? CV8_TERMINATED : CV8_EXCEPTION);
        }
    }
    // A getter or proxy trap threw while reading the value (or execution was terminated).
    if (result.status == CV8_EXCEPTION || result.status == CV8_TERMINATED || cv8::stopping(state))
        return cv8::caught(state, context, try_catch);
    return result;
}

cv8_result cv8::serialize_quietly(cv8_isolate *state, v8::Local<v8::Context> context,
                                  v8::Local<v8::Value> value, bool limited) {
    v8::TryCatch try_catch(state->isolate);
    cv8_result result = write(state, context, value, try_catch, nullptr, limited);
    if (result.status == CV8_TERMINATED) return cv8::caught(state, context, try_catch);
    return result;
}

namespace {

// Reads host objects: the host writes a function handle as its id.
class ReadDelegate final : public v8::ValueDeserializer::Delegate {
  public:
    explicit ReadDelegate(cv8_isolate *state) : state_(state) {}

    v8::MaybeLocal<v8::Object> ReadHostObject(v8::Isolate *isolate) override {
        uint32_t id = 0;
        if (deserializer != nullptr && deserializer->ReadUint32(&id)) {
            auto found = state_->functions.find(id);
            if (found != state_->functions.end()) return found->second.Get(isolate);
        }
        isolate->ThrowError("a function handle passed to JavaScript was already released");
        return {};
    }

    v8::ValueDeserializer *deserializer = nullptr;

  private:
    cv8_isolate *state_;
};

}  // namespace

v8::MaybeLocal<v8::Value> cv8::deserialize(cv8_isolate *state, v8::Local<v8::Context> context,
                                           const uint8_t *data, size_t length) {
    ReadDelegate delegate(state);
    v8::ValueDeserializer deserializer(state->isolate, data, length, &delegate);
    delegate.deserializer = &deserializer;
    bool header = false;
    if (!deserializer.ReadHeader(context).To(&header) || !header) return {};
    return deserializer.ReadValue(context);
}

uint8_t *cv8_take_buffer(cv8_isolate *state) {
    uint8_t *taken = state->last_result;
    if (taken != nullptr && taken == state->buffer) {
        state->buffer = nullptr;
        state->capacity = 0;
    } else if (taken != nullptr && taken == state->nested) {
        state->nested = nullptr;
    } else {
        return nullptr;  // no result's buffer to hand over (see the header)
    }
    state->last_result = nullptr;
    return taken;
}
