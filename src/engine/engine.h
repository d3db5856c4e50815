// Front header of the engine: today the workflow compiler (spec → executable DAG) and the type
// rules it applies; the executor, catalog and scheduler join it as they are built.
#pragma once

#include "engine/compiler.h"
#include "engine/type_check.h"
