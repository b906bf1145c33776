#include "LibFuzzerDriver.h"

#include <stdlib.h>

// Defined by libFuzzer (linked by `-sanitize=fuzzer`).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));

void TollgateFuzzerMain(int argc, char **argv, int (*test)(const uint8_t *data, size_t size)) {
    exit(LLVMFuzzerRunDriver(&argc, &argv, test));
}
