// Front header of the command line: `flyte sandbox start|status|stop|teardown`, `flyte version`.
#pragma once

namespace flyte::cli {

// Parses the arguments, runs the command and returns the process exit code.
int Main(int argc, char** argv);

}  // namespace flyte::cli
