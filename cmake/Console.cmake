# The web console (web/): bundled by esbuild at build time (web/build.mjs: hashed file names,
# size budget) and compiled into the binary as a generated asset table (cmake/embed_assets.py →
# library `flyte_console_assets`, defining server/embedded_assets.h). Without Node, or with
# -DFLYTE_CONSOLE=OFF, the table holds web/not-built/ (a one-page notice) instead: the C++ build
# never needs the web toolchain.
option(FLYTE_CONSOLE "Build the web console into the binary (needs Node.js and `npm ci`)" ON)
find_program(NODE_EXECUTABLE node)
set(CONSOLE_BUILD_DIR "${CMAKE_BINARY_DIR}/console")
set(CONSOLE_BUILT OFF)
if(FLYTE_CONSOLE AND NODE_EXECUTABLE)
  if(NOT EXISTS "${PROJECT_SOURCE_DIR}/node_modules/esbuild/package.json")
    message(FATAL_ERROR "esbuild not found in ${PROJECT_SOURCE_DIR}/node_modules: run `npm ci` there first, "
                        "or configure with -DFLYTE_CONSOLE=OFF for a binary without the console")
  endif()
  set(CONSOLE_BUILT ON)
  set(CONSOLE_ASSETS_DIR "${CONSOLE_BUILD_DIR}/dist")
  file(GLOB_RECURSE CONSOLE_SOURCES CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/web/src/*")
  add_custom_command(
    OUTPUT "${CONSOLE_ASSETS_DIR}/index.html"
    COMMAND "${NODE_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/web/build.mjs" --out "${CONSOLE_ASSETS_DIR}"
    DEPENDS ${CONSOLE_SOURCES} "${PROJECT_SOURCE_DIR}/web/build.mjs" "${PROJECT_SOURCE_DIR}/web/index.html"
            "${PROJECT_SOURCE_DIR}/package-lock.json"
    COMMENT "Building the web console (esbuild)" VERBATIM)
  set(CONSOLE_INPUTS "${CONSOLE_ASSETS_DIR}/index.html")
else()
  if(FLYTE_CONSOLE)
    message(WARNING "node not found: the binary serves a 'console not built' page at /console")
  endif()
  set(CONSOLE_ASSETS_DIR "${PROJECT_SOURCE_DIR}/web/not-built")
  file(GLOB CONSOLE_INPUTS CONFIGURE_DEPENDS "${CONSOLE_ASSETS_DIR}/*")
endif()

add_custom_command(
  OUTPUT "${CONSOLE_BUILD_DIR}/console_assets_data.cpp"
  COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/cmake/embed_assets.py" "${CONSOLE_ASSETS_DIR}"
          "${CONSOLE_BUILD_DIR}/console_assets_data.cpp"
  DEPENDS ${CONSOLE_INPUTS} "${PROJECT_SOURCE_DIR}/cmake/embed_assets.py"
  COMMENT "Embedding the web console" VERBATIM)
add_library(flyte_console_assets STATIC "${CONSOLE_BUILD_DIR}/console_assets_data.cpp")
target_include_directories(flyte_console_assets PRIVATE "${PROJECT_SOURCE_DIR}/src")
# Data only: nothing to optimise or instrument.
target_compile_options(flyte_console_assets PRIVATE -O0 -g0)
if(FLYTE_SANITIZE)
  target_compile_options(flyte_console_assets PRIVATE -fno-sanitize=all)
endif()
