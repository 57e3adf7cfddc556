#include "CJSRunFuzzAllocations.h"

#include <sanitizer/allocator_interface.h>
#include <stdbool.h>

// libFuzzer runs one input at a time on one thread; the hooks of other threads' allocations
// (there are none in these targets) would only add to the count.
static bool counting = false;
static bool installed = false;
static long long held = 0;
static long long peak = 0;

static void on_malloc(const volatile void *pointer, size_t size) {
    (void)pointer;
    if (!counting) return;
    held += (long long)size;
    if (held > peak) peak = held;
}

static void on_free(const volatile void *pointer) {
    if (!counting || pointer == NULL) return;
    held -= (long long)__sanitizer_get_allocated_size((const void *)pointer);
}

void jsrun_fuzz_allocations_begin(void) {
    if (!installed) {
        __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
        installed = true;
    }
    held = 0;
    peak = 0;
    counting = true;
}

size_t jsrun_fuzz_allocations_peak(void) {
    counting = false;
    return (size_t)peak;
}
