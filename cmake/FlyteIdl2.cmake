# Generates and compiles FlyteIDL 2 (the `flyte` SDK's protocol) from the pinned PyPI wheel
# (third_party/flyteidl2.txt, fetched by scripts/install-build-deps.sh) into the static library
# `flyteidl2_proto`: messages only, the Connect services are served by our own handlers.
set(FLYTEIDL2_WHEEL "${PROJECT_SOURCE_DIR}/.deps/wheels/flyteidl2-2.0.51-py3-none-any.whl")
if(NOT EXISTS "${FLYTEIDL2_WHEEL}")
  message(FATAL_ERROR "FlyteIDL 2 wheel not found at ${FLYTEIDL2_WHEEL}: run scripts/install-build-deps.sh first")
endif()

# The services FLYTE2-PROTOCOL.md's minimal set needs; their imports come along.
set(FLYTEIDL2_ROOTS
  flyteidl2/workflow/run_service.proto flyteidl2/actions/actions_service.proto
  flyteidl2/dataproxy/dataproxy_service.proto flyteidl2/cluster/service.proto
  flyteidl2/task/task_service.proto flyteidl2/project/project_service.proto)
set(PROTO2_SET "${CMAKE_BINARY_DIR}/flyteidl2.pb")
set(PROTO2_GEN_DIR "${CMAKE_BINARY_DIR}/proto2_gen")
execute_process(
  COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/cmake/wheel_descriptors.py" "${FLYTEIDL2_WHEEL}"
          "${PROTO2_SET}" ${FLYTEIDL2_ROOTS}
  OUTPUT_VARIABLE PROTO2_FILES OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE PREPARE2_RESULT)
if(NOT PREPARE2_RESULT EQUAL 0)
  message(FATAL_ERROR "reading FlyteIDL 2 descriptors from ${FLYTEIDL2_WHEEL} failed")
endif()
string(REPLACE "\n" ";" PROTO2_FILES "${PROTO2_FILES}")
# google/rpc/status.proto: imported by the workflow services, published with google-proto-files
# (npm), and in no library FlyteIDL 1 builds.
list(APPEND PROTO2_FILES google/rpc/status.proto)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${PROJECT_SOURCE_DIR}/third_party/flyteidl2.txt" "${PROJECT_SOURCE_DIR}/cmake/wheel_descriptors.py")

set(PROTO2_OUTPUTS)
foreach(proto IN LISTS PROTO2_FILES)
  string(REGEX REPLACE "\\.proto$" "" base "${proto}")
  list(APPEND PROTO2_OUTPUTS "${PROTO2_GEN_DIR}/${base}.pb.cc" "${PROTO2_GEN_DIR}/${base}.pb.h")
endforeach()
# One protoc run for the whole set (its files import each other).
add_custom_command(
  OUTPUT ${PROTO2_OUTPUTS}
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${PROTO2_GEN_DIR}"
  COMMAND "${PROTOC}" "--descriptor_set_in=${PROTO2_SET}" -I "${GOOGLE_PROTOS_NPM_DIR}"
          "--cpp_out=${PROTO2_GEN_DIR}" ${PROTO2_FILES}
  DEPENDS "${PROTO2_SET}"
  COMMENT "protoc FlyteIDL 2 (${FLYTEIDL2_WHEEL})" VERBATIM)

add_library(flyteidl2_proto_archive STATIC ${PROTO2_OUTPUTS})
target_include_directories(flyteidl2_proto_archive SYSTEM PUBLIC "${PROTO2_GEN_DIR}")
target_link_libraries(flyteidl2_proto_archive PUBLIC flyte_deps)
target_compile_options(flyteidl2_proto_archive PRIVATE -O1 -g0 -w)
set_target_properties(flyteidl2_proto_archive PROPERTIES UNITY_BUILD OFF)  # as FlyteIdl.cmake's
if(FLYTE_SANITIZE)
  target_compile_options(flyteidl2_proto_archive PRIVATE -fno-sanitize=all)
endif()

# Linked whole, as FlyteIDL 1: the Connect router finds methods by name in the descriptor pool.
add_library(flyteidl2_proto INTERFACE)
target_include_directories(flyteidl2_proto SYSTEM INTERFACE "${PROTO2_GEN_DIR}")
target_link_libraries(flyteidl2_proto INTERFACE "$<LINK_LIBRARY:WHOLE_ARCHIVE,flyteidl2_proto_archive>" flyte_deps)
