#ifndef KONTINUITET_MEMORY_HINTS_H
#define KONTINUITET_MEMORY_HINTS_H

/// Asks the processor to start loading the cache line at `address` (a hint: it never faults, and changes no
/// result). Swift has no spelling of its own for a prefetch.
static inline __attribute__((always_inline)) void kontinuitet_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
