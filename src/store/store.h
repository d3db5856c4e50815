// Front header of the store: the registry (SQLite) and the object store (a folder).
#pragma once

#include "store/blob_store.h"
#include "store/registry.h"
