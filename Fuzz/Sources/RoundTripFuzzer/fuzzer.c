// libFuzzer's entry points for the round trip's target, whose body is Swift (JSRunFuzzSupport's
// Targets.swift). libFuzzer brings `main`; -sanitize=fuzzer links it.
#include <stddef.h>
#include <stdint.h>

int jsrun_fuzz_initialize(int argc, char **argv);
int jsrun_fuzz_round_trip(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) { return jsrun_fuzz_initialize(*argc, *argv); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return jsrun_fuzz_round_trip(data, size); }
