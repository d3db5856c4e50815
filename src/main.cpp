// flyte: the single-binary Flyte sandbox. main only calls the CLI; app/ wires the layers (see src/README.md).
#include "cli/cli.h"

int main(int argc, char** argv) { return flyte::cli::Main(argc, argv); }
