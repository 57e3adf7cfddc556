// A host's answer as a V8 value (cv8_reply_form). Primitives, and small objects and arrays of
// primitives, are made directly; anything else is read with V8's deserializer, whose set-up
// alone costs more than making a small object (about 300 ns for {k: 1}).
#include "internal.h"

#include <algorithm>
#include <cstring>

namespace {

using v8::Local;
using v8::Value;

// The most key lists an isolate keeps; past it, they are all dropped and made again.
constexpr size_t kMaxKeyLists = 256;

// The key of an object's list of keys in the cache: each key with its length.
void key_list_key(const cv8_host_reply &reply, std::string *key) {
    key->clear();
    for (size_t i = 0; i < reply.count; i++) {
        const cv8_scalar &name = reply.members[2 * i];
        uint32_t length = static_cast<uint32_t>(name.length);
        key->append(reinterpret_cast<const char *>(&length), sizeof length);
        key->append(name.string, name.length);
    }
}

// The keys of an object answer as V8 names, made once per list of keys: answers of one
// shape, the common case, skip making (and internalizing) their keys. False with an exception
// pending when a key cannot be made.
bool key_names(cv8_isolate *state, const cv8_host_reply &reply, Local<v8::Name> *names) {
    v8::Isolate *isolate = state->isolate;
    key_list_key(reply, &state->key_list_key);
    auto found = state->key_lists.find(state->key_list_key);
    if (found != state->key_lists.end()) {
        for (size_t i = 0; i < reply.count; i++) names[i] = found->second[i].Get(isolate);
        return true;
    }
    for (size_t i = 0; i < reply.count; i++) {
        const cv8_scalar &key = reply.members[2 * i];
        Local<v8::String> name;
        if (!cv8::new_string(isolate, key.string, key.length, v8::NewStringType::kInternalized).ToLocal(&name))
            return false;
        names[i] = name;
    }
    if (state->key_lists.size() >= kMaxKeyLists) state->key_lists.clear();
    std::vector<v8::Global<v8::Name>> &kept = state->key_lists[state->key_list_key];
    kept.resize(reply.count);
    for (size_t i = 0; i < reply.count; i++) kept[i].Reset(isolate, names[i]);
    return true;
}

// The function that makes an object of `count` members from its arguments (k0, v0, k1, v1,
// ...): an object literal with computed keys. Compiled once per count; its source holds no
// data, only parameter names.
v8::MaybeLocal<v8::Function> object_maker(cv8_isolate *state, Local<v8::Context> context, size_t count) {
    v8::Isolate *isolate = state->isolate;
    v8::Global<v8::Function> &maker = state->object_makers[count];
    if (!maker.IsEmpty()) return maker.Get(isolate);
    std::string parameters, members;
    for (size_t i = 0; i < count; i++) {
        std::string index = std::to_string(i);
        parameters += (i == 0 ? "k" : ", k") + index + ", v" + index;
        members += (i == 0 ? "[k" : ", [k") + index + "]: v" + index;
    }
    std::string source = "(" + parameters + ") => ({" + members + "})";
    v8::ScriptOrigin origin(isolate, v8::String::NewFromUtf8Literal(isolate, "jsrun:host-answer"));
    Local<v8::Script> script;
    Local<Value> function;
    if (!v8::Script::Compile(context, cv8::new_string(isolate, source.data(), source.size()).ToLocalChecked(), &origin)
             .ToLocal(&script) ||
        !script->Run(context).ToLocal(&function))
        return {};
    maker.Reset(isolate, function.As<v8::Function>());
    return function.As<v8::Function>();
}

// A plain object from members, made by an object literal in V8's own code. Computed keys in a
// literal are defined, not assigned: no setter runs, and "__proto__" is an own property, as in
// JSON. The object is in fast mode with fields of its own. Measured against the other ways:
// - Object::New, then CreateDataProperty per member: the same object, about 70 ns slower for
//   one member and 200 for three (the API walks V8's transitions the slow way);
// - Object::New with names and values at once: quicker, but in dictionary mode, about 15x
//   slower to read, and it slows the code that reads it for other objects too;
// - a clone of a kept object (Object::Clone): quicker, but it shares the boxes of its double
//   fields with the original, so objects of one shape would share their numbers.
v8::MaybeLocal<Value> object_from_members(cv8_isolate *state, Local<v8::Context> context,
                                          const cv8_host_reply &reply) {
    v8::Isolate *isolate = state->isolate;
    if (reply.count == 0) return v8::Object::New(isolate);
    Local<v8::Name> names[CV8_MAX_MEMBERS];
    Local<v8::Function> maker;
    if (!key_names(state, reply, names) || !object_maker(state, context, reply.count).ToLocal(&maker)) return {};
    Local<Value> arguments[2 * CV8_MAX_MEMBERS];
    for (size_t i = 0; i < reply.count; i++) {
        arguments[2 * i] = names[i];
        if (!cv8::scalar_value(isolate, reply.members[2 * i + 1]).ToLocal(&arguments[2 * i + 1])) return {};
    }
    return maker->Call(context, v8::Undefined(isolate), static_cast<int>(2 * reply.count), arguments);
}

}  // namespace

v8::MaybeLocal<v8::String> cv8::new_string(v8::Isolate *isolate, const char *text, size_t length,
                                           v8::NewStringType type) {
    if (length > static_cast<size_t>(v8::String::kMaxLength)) {
        std::string message = "a string of " + std::to_string(length) + " bytes is longer than JavaScript allows";
        isolate->ThrowException(v8::Exception::RangeError(
            v8::String::NewFromUtf8(isolate, message.data(), v8::NewStringType::kNormal, static_cast<int>(message.size()))
                .ToLocalChecked()));
        return {};
    }
    // ASCII, the common case, is made directly as a one-byte string: V8's UTF-8 decoder costs
    // more than the check.
    const auto *bytes = reinterpret_cast<const uint8_t *>(text);
    bool ascii = true;
    for (size_t i = 0; i < length && ascii; i++) ascii = bytes[i] < 0x80;
    int size = static_cast<int>(length);
    return ascii ? v8::String::NewFromOneByte(isolate, bytes, type, size)
                 : v8::String::NewFromUtf8(isolate, text, type, size);
}

v8::Local<v8::String> cv8::text_string(v8::Isolate *isolate, const char *text, size_t length) {
    length = std::min(length, static_cast<size_t>(v8::String::kMaxLength));
    return new_string(isolate, text, length).FromMaybe(v8::String::Empty(isolate));
}

v8::MaybeLocal<Value> cv8::scalar_value(v8::Isolate *isolate, const cv8_scalar &scalar) {
    switch (scalar.kind) {
        case CV8_SCALAR_NULL: return v8::Null(isolate);
        case CV8_SCALAR_FALSE: return v8::False(isolate);
        case CV8_SCALAR_TRUE: return v8::True(isolate);
        case CV8_SCALAR_NUMBER: return v8::Number::New(isolate, scalar.number);
        case CV8_SCALAR_STRING: {
            Local<v8::String> string;
            if (!cv8::new_string(isolate, scalar.string, scalar.length).ToLocal(&string)) return {};
            return string;
        }
        default: return v8::Undefined(isolate);
    }
}

v8::MaybeLocal<Value> cv8::reply_value(cv8_isolate *state, Local<v8::Context> context, const cv8_host_reply &reply) {
    v8::Isolate *isolate = state->isolate;
    switch (reply.form) {
        case CV8_REPLY_SCALAR: return scalar_value(isolate, reply.scalar);
        case CV8_REPLY_OBJECT:
            if (reply.count > CV8_MAX_MEMBERS) break;
            return object_from_members(state, context, reply);
        case CV8_REPLY_ARRAY: {
            if (reply.count > CV8_MAX_MEMBERS) break;
            Local<Value> values[CV8_MAX_MEMBERS];
            for (size_t i = 0; i < reply.count; i++)
                if (!scalar_value(isolate, reply.members[i]).ToLocal(&values[i])) return {};
            return v8::Array::New(isolate, values, reply.count);
        }
        default: return cv8::deserialize(state, context, reply.data, reply.length);
    }
    isolate->ThrowError("the host's answer has more members than CV8_MAX_MEMBERS");
    return {};
}
