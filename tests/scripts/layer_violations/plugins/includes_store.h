// A forbidden include for scripts/check-layers.sh's own test: plugins and store never see each other.
#pragma once
#include "common/status.h"
#include "store/blob_store.h"
