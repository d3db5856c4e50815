// The Python worker's program: python_worker.py, compiled in by CMake (python_worker_program.cpp.in)
// so that the binary stays one file while the program stays a Python file that is linted and tested.
#pragma once

#include <string_view>

namespace flyte::plugins {

extern const std::string_view kPythonWorkerProgram;

}  // namespace flyte::plugins
