// A forbidden include for scripts/check-layers.sh's own test: store is below the engine.
#pragma once
#include "engine/executor.h"
