// flyte: the single-binary Flyte sandbox. Only wiring lives here; see src/README.md.
#include "cli/cli.h"

int main(int argc, char** argv) { return flyte::cli::Main(argc, argv); }
