#ifndef CJSRUN_FUZZ_ALLOCATIONS_H
#define CJSRUN_FUZZ_ALLOCATIONS_H

#include <stddef.h>

// What the process allocates between a begin and an end, through AddressSanitizer's malloc and
// free hooks (the fuzz targets are always built with it): the most bytes held at once beyond
// what was held at the begin. Frees of memory allocated before the begin lower the count, so it
// can only under-count by what was freed from before; the targets free nothing of their own.

/// Starts counting from zero.
void jsrun_fuzz_allocations_begin(void);

/// Stops counting, and returns the most bytes held at once since the begin.
size_t jsrun_fuzz_allocations_peak(void);

#endif
