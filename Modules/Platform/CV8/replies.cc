// A host's answer as a V8 value (cv8_reply_form). Primitives, and small objects and arrays of
// primitives, are made directly; anything else is read with V8's deserializer, whose set-up
// alone costs more than making a small object (about 300 ns for {k: 1}).
#include "internal.h"

#include <cmath>
#include <cstring>

namespace {

using v8::Local;
using v8::Value;

// The most object shapes an isolate keeps; past it, they are all dropped and made again.
constexpr size_t kMaxShapes = 256;

// How V8 will store a value in an object's field: a small integer, a double, or a pointer.
// Part of a shape's key, so that setting the fields of a copy never changes the copy's map.
char representation(const cv8_scalar &scalar) {
    if (scalar.kind != CV8_SCALAR_NUMBER) return 'p';
    double number = scalar.number;
    bool small = number >= -1073741824.0 && number < 1073741824.0 &&
                 number == static_cast<double>(static_cast<int32_t>(number)) && !(number == 0 && std::signbit(number));
    return small ? 's' : 'd';
}

// The key of an object's shape: each key with its length, and how its value is stored.
void shape_key(const cv8_host_reply &reply, std::string *key) {
    key->clear();
    for (size_t i = 0; i < reply.count; i++) {
        const cv8_scalar &name = reply.members[2 * i];
        uint32_t length = static_cast<uint32_t>(name.length);
        key->append(reinterpret_cast<const char *>(&length), sizeof length);
        key->append(name.string, name.length);
        key->push_back(representation(reply.members[2 * i + 1]));
    }
}

// Keeps `object`'s shape (in state->shape_key): a copy to clone, and its keys.
void remember_shape(cv8_isolate *state, Local<v8::Object> object, const Local<v8::Name> *names, size_t count) {
    v8::Isolate *isolate = state->isolate;
    if (state->shapes.size() >= kMaxShapes) state->shapes.clear();
    cv8_shape &shape = state->shapes[state->shape_key];
    shape.boilerplate.Reset(isolate, object->Clone());
    shape.keys.resize(count);
    for (size_t i = 0; i < count; i++) shape.keys[i].Reset(isolate, names[i]);
}

// A plain object from members, in V8's fast mode. An object made with the keys and values at
// once (Object::New) would be in dictionary mode, about 15x slower to read, and would slow
// the code that reads it for other objects too. So the object is a copy of the last one of its
// shape, whose fields only take new values; a new shape is made property by property.
v8::MaybeLocal<Value> object_from_members(cv8_isolate *state, Local<v8::Context> context,
                                          const cv8_host_reply &reply) {
    v8::Isolate *isolate = state->isolate;
    shape_key(reply, &state->shape_key);
    auto found = state->shapes.find(state->shape_key);
    bool known = found != state->shapes.end();
    Local<v8::Name> names[CV8_MAX_MEMBERS];
    Local<v8::Object> object;
    if (known) {
        object = found->second.boilerplate.Get(isolate)->Clone();
        for (size_t i = 0; i < reply.count; i++) names[i] = found->second.keys[i].Get(isolate);
    } else {
        object = v8::Object::New(isolate);
        for (size_t i = 0; i < reply.count; i++) {
            const cv8_scalar &key = reply.members[2 * i];
            Local<v8::String> name;
            if (!cv8::new_string(isolate, key.string, key.length, v8::NewStringType::kInternalized).ToLocal(&name))
                return {};
            names[i] = name;
        }
    }
    for (size_t i = 0; i < reply.count; i++) {
        Local<Value> value;
        if (!cv8::scalar_value(isolate, reply.members[2 * i + 1]).ToLocal(&value)) return {};
        // A new property is defined, which calls no setter ("__proto__" is an own property, as
        // in JSON); a copy's own data property is only written, which is quicker.
        v8::Maybe<bool> done = known ? object->Set(context, names[i], value)
                                     : object->CreateDataProperty(context, names[i], value);
        if (done.IsNothing()) return {};
    }
    if (!known) remember_shape(state, object, names, reply.count);
    return object;
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
