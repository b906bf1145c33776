#ifndef LIBFUZZER_DRIVER_H
#define LIBFUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's command line (`-runs=`, `-max_len=`, corpus directories, files to replay)
/// on `test`, as libFuzzer's own `main` would, and exits with its status.
///
/// SwiftPM (tools 5.5 and later) links a Swift executable's entry point as `<Module>_main`
/// and points `main` at it, so libFuzzer's `main` is never linked: each harness's `@main`
/// calls this instead, which calls `LLVMFuzzerRunDriver`, libFuzzer's documented entry point
/// for programs with a `main` of their own.
_Noreturn void TollgateFuzzerMain(int argc, char **argv, int (*test)(const uint8_t *data, size_t size));

#endif
