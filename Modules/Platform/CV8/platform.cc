// One-time V8 initialisation, flags and version. The Swift side (Platform) serialises calls.
#include "internal.h"

#include <memory>

namespace {
std::unique_ptr<v8::Platform> g_platform;
}

v8::Platform *cv8::platform() { return g_platform.get(); }

void cv8_platform_set_flags(const char *flags, size_t length) {
    v8::V8::SetFlagsFromString(flags, length);
}

void cv8_platform_initialize(void) {
    // Worker threads for GC and compilation: V8 picks a count from the number of cores.
    g_platform = v8::platform::NewDefaultPlatform(0, v8::platform::IdleTaskSupport::kDisabled);
    v8::V8::InitializePlatform(g_platform.get());
    v8::V8::Initialize();
}

const char *cv8_platform_version(void) { return v8::V8::GetVersion(); }
