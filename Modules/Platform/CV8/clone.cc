// Values that v8::ValueSerializer refuses as they are: a copy it can write, or the reason why
// not, with the path to the value that cannot cross.
//
// The serializer refuses functions, proxies and other exotic objects anywhere in a value. This
// runs only after it did (the common case never pays for it), and copies the value: functions
// become function-handle stand-ins, proxies and other objects become plain objects of their own
// enumerable string-keyed properties (read through getters and proxy traps, whose exceptions
// propagate), Maps, Sets and arrays are copied with their contents, and everything else the
// serializer writes natively is kept as it is. Shared references and cycles are kept too: each
// object is copied once.
#include "internal.h"

#include <cctype>
#include <string>
#include <vector>

namespace {

using v8::Local;
using v8::Value;

// Deeper than this, the copy stops: it recurses on the native stack, which V8 does not guard.
constexpr int kMaxDepth = 2000;

class Cloner {
  public:
    Cloner(cv8_isolate *state, Local<v8::Context> context)
        : state_(state),
          isolate_(state->isolate),
          context_(context),
          copies_(v8::Map::New(state->isolate)),
          placeholders_(v8::Map::New(state->isolate)) {}

    // Why the value could not be copied, when `copy` returned nothing and no exception is pending.
    std::string problem;

    v8::MaybeLocal<Value> copy(Local<Value> value, int depth) {
        if (value->IsSymbol() || value->IsSymbolObject())
            return refuse("a Symbol", "cannot leave its runtime: a symbol is unique to it");
        if (!value->IsObject()) return value;
        Local<v8::Object> object = value.As<v8::Object>();
        Local<Value> earlier;
        if (!copies_->Get(context_, object).ToLocal(&earlier)) return {};
        if (!earlier->IsUndefined()) {
            // A cycle back to an array whose packed copy is not made yet: it keeps this one.
            if (earlier->IsArray() && placeholders_->Has(context_, earlier).FromMaybe(false) &&
                placeholders_->Set(context_, earlier, v8::True(isolate_)).IsEmpty())
                return {};
            return earlier;
        }
        if (depth > kMaxDepth) {
            // Without its path, which would be thousands of steps long.
            problem = "the value is nested more than 2000 levels deep to be copied";
            return {};
        }
        return copy_object(object, depth);
    }

  private:
    cv8_isolate *state_;
    v8::Isolate *isolate_;
    Local<v8::Context> context_;
    // Each original object, with its copy.
    Local<v8::Map> copies_;
    // The copies of arrays with every element whose packed copy is made once their elements
    // are copied (copy_array), each with whether a cycle reached it meanwhile.
    Local<v8::Map> placeholders_;
    // The keys and indices from the top to the value being copied.
    std::vector<std::string> path_;

    v8::MaybeLocal<Value> copy_object(Local<v8::Object> object, int depth) {
        if (object->IsFunction()) return stand_in(object.As<v8::Function>());
        if (object->IsPromise()) return refuse("a Promise", "cannot be copied: await it (evalAsync, callAsync)");
        if (object->IsWeakMap() || object->IsWeakSet())
            return refuse(object->IsWeakMap() ? "a WeakMap" : "a WeakSet", "cannot be copied: its entries are not enumerable");
        if (object->IsSharedArrayBuffer())
            return refuse("a SharedArrayBuffer", "cannot be copied out of its runtime");
        if (object->IsWasmModuleObject() || object->IsWasmMemoryObject())
            return refuse("a WebAssembly object", "cannot be copied out of its runtime");
        // Copied natively by the serializer, and they hold no functions.
        if (object->IsDate() || object->IsRegExp() || object->IsArrayBuffer() || object->IsArrayBufferView() ||
            object->IsNumberObject() || object->IsStringObject() || object->IsBooleanObject() ||
            object->IsBigIntObject() || object->IsNativeError())
            return remember(object, object);
        // A host object (a function handle's stand-in is one): the serializer's delegate decides.
        if (!object->IsProxy() && object->InternalFieldCount() > 0) return remember(object, object);
        if (object->IsMap()) return copy_map(object.As<v8::Map>(), depth);
        if (object->IsSet()) return copy_set(object.As<v8::Set>(), depth);
        if (object->IsArray()) return copy_array(object.As<v8::Array>(), depth);
        return copy_properties(object, depth);
    }

    v8::MaybeLocal<Value> stand_in(Local<v8::Function> function) {
        Local<v8::Object> object;
        if (!cv8::stand_in(state_, context_, function).ToLocal(&object)) return {};
        return remember(function, object);
    }

    v8::MaybeLocal<Value> remember(Local<v8::Object> original, Local<Value> copy) {
        if (copies_->Set(context_, original, copy).IsEmpty()) return {};
        return copy;
    }

    // The elements that are there, by their indices: a sparse array of length 2^32 - 1 costs
    // what it holds, not its length. Holes stay holes; other properties are left out, as the
    // reader leaves them out of an array.
    //
    // V8 writes an array densely only when its elements are packed (ValueSerializer::WriteJSArray
    // decides by elements kind), and `Array::New(isolate, length)` makes a holey one: with
    // `length` holes allocated in the heap (Factory::NewJSArray with that capacity), and past
    // FixedArray::kMaxLength an abort of the process ("invalid size error"). So an array with
    // every element is copied into a packed array made from its elements at once (dense, as
    // the original may be); one with holes into an array that starts empty and gets its
    // elements by index (holey or dictionary-mode: the serializer writes it as sparse) and its
    // length last. The copy is remembered before its elements are copied, for the cycles
    // through it; a packed copy replaces it when no cycle reached it meanwhile.
    v8::MaybeLocal<Value> copy_array(Local<v8::Array> array, int depth) {
        Local<v8::Array> result = v8::Array::New(isolate_, 0);
        if (remember(array, result).IsEmpty()) return {};
        Local<v8::Array> keys;
        auto filter = static_cast<v8::PropertyFilter>(v8::ONLY_ENUMERABLE | v8::SKIP_SYMBOLS);
        if (!array->GetOwnPropertyNames(context_, filter, v8::KeyConversionMode::kKeepNumbers).ToLocal(&keys))
            return {};
        std::vector<uint32_t> indices;
        for (uint32_t i = 0; i < keys->Length(); i++) {
            Local<Value> key;
            if (!keys->Get(context_, i).ToLocal(&key)) return {};
            if (key->IsUint32()) indices.push_back(key.As<v8::Uint32>()->Value());
        }
        uint32_t length = array->Length();
        // Indices are distinct and below the length: as many as the length means every one.
        bool full = indices.size() == length;
        if (full && placeholders_->Set(context_, result, v8::False(isolate_)).IsEmpty()) return {};
        std::vector<Local<Value>> elements;
        if (full) elements.reserve(length);
        for (uint32_t index : indices) {
            Local<Value> element, copied;
            path_.push_back("[" + std::to_string(index) + "]");
            if (!array->Get(context_, index).ToLocal(&element) || !copy(element, depth + 1).ToLocal(&copied)) return {};
            path_.pop_back();
            if (full) {
                elements.push_back(copied);
            } else if (result->Set(context_, index, copied).IsNothing()) {
                return {};
            }
        }
        if (full) {
            Local<Value> reached;
            if (!placeholders_->Get(context_, result).ToLocal(&reached) ||
                placeholders_->Delete(context_, result).IsNothing())
                return {};
            // A getter may have changed the original meanwhile: its indices were read before.
            bool in_order = true;
            for (uint32_t i = 0; i < indices.size() && in_order; i++) in_order = indices[i] == i;
            if (!reached->IsTrue() && in_order) {
                Local<v8::Array> packed = v8::Array::New(isolate_, elements.data(), elements.size());
                return remember(array, packed);
            }
            for (uint32_t i = 0; i < indices.size(); i++)
                if (result->Set(context_, indices[i], elements[i]).IsNothing()) return {};
        }
        // The holes after the last element.
        if (result->Length() < length &&
            result->Set(context_, v8::String::NewFromUtf8Literal(isolate_, "length"), v8::Number::New(isolate_, length))
                .IsNothing())
            return {};
        return result;
    }

    v8::MaybeLocal<Value> copy_map(Local<v8::Map> map, int depth) {
        Local<v8::Map> result = v8::Map::New(isolate_);
        if (remember(map, result).IsEmpty()) return {};
        // Key, value, key, value...
        Local<v8::Array> entries = map->AsArray();
        for (uint32_t index = 0; index + 1 < entries->Length(); index += 2) {
            Local<Value> key, value, key_copy, value_copy;
            if (!entries->Get(context_, index).ToLocal(&key) || !entries->Get(context_, index + 1).ToLocal(&value))
                return {};
            path_.push_back(".keys()[" + std::to_string(index / 2) + "]");
            if (!copy(key, depth + 1).ToLocal(&key_copy)) return {};
            path_.back() = ".values()[" + std::to_string(index / 2) + "]";
            if (!copy(value, depth + 1).ToLocal(&value_copy)) return {};
            path_.pop_back();
            if (result->Set(context_, key_copy, value_copy).IsEmpty()) return {};
        }
        return result;
    }

    v8::MaybeLocal<Value> copy_set(Local<v8::Set> set, int depth) {
        Local<v8::Set> result = v8::Set::New(isolate_);
        if (remember(set, result).IsEmpty()) return {};
        Local<v8::Array> elements = set->AsArray();
        for (uint32_t index = 0; index < elements->Length(); index++) {
            Local<Value> element, copied;
            path_.push_back(".values()[" + std::to_string(index) + "]");
            if (!elements->Get(context_, index).ToLocal(&element) || !copy(element, depth + 1).ToLocal(&copied))
                return {};
            path_.pop_back();
            if (result->Add(context_, copied).IsEmpty()) return {};
        }
        return result;
    }

    // Own enumerable string-keyed properties, as the serializer reads a plain object.
    v8::MaybeLocal<Value> copy_properties(Local<v8::Object> object, int depth) {
        Local<v8::Object> result = v8::Object::New(isolate_);
        if (remember(object, result).IsEmpty()) return {};
        Local<v8::Array> keys;
        auto filter = static_cast<v8::PropertyFilter>(v8::ONLY_ENUMERABLE | v8::SKIP_SYMBOLS);
        if (!object->GetOwnPropertyNames(context_, filter, v8::KeyConversionMode::kConvertToString).ToLocal(&keys))
            return {};
        for (uint32_t index = 0; index < keys->Length(); index++) {
            Local<Value> key, value, copied;
            if (!keys->Get(context_, index).ToLocal(&key) || !object->Get(context_, key).ToLocal(&value)) return {};
            path_.push_back(step(key));
            if (!copy(value, depth + 1).ToLocal(&copied)) return {};
            path_.pop_back();
            if (result->CreateDataProperty(context_, key.As<v8::Name>(), copied).IsNothing()) return {};
        }
        return result;
    }

    // `.name` for an identifier-like key, `["other key"]` otherwise, as Swift's ValuePath writes.
    std::string step(Local<Value> key) {
        v8::String::Utf8Value text(isolate_, key);
        std::string name = *text ? *text : "";
        bool identifier = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
        for (unsigned char c : name)
            identifier = identifier && (c == '_' || c == '$' || c >= 0x80 || std::isalnum(c));
        if (identifier) return "." + name;
        std::string quoted = "[\"";
        for (char c : name) {
            if (c == '"' || c == '\\') quoted += '\\';
            quoted += c;
        }
        return quoted + "\"]";
    }

    v8::MaybeLocal<Value> refuse(const char *kind, const char *reason) {
        std::string where = "$";
        for (const std::string &part : path_) where += part;
        problem = std::string(kind) + " at " + where + " " + reason;
        return {};
    }
};

}  // namespace

v8::MaybeLocal<Value> cv8::clonable_copy(cv8_isolate *state, Local<v8::Context> context, Local<Value> value,
                                         std::string *problem) {
    Cloner cloner(state, context);
    v8::MaybeLocal<Value> copy = cloner.copy(value, 0);
    if (copy.IsEmpty()) *problem = cloner.problem;
    return copy;
}
