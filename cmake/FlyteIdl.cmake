# Generates and compiles the FlyteIDL protos the server uses, from the pinned npm package,
# into the static library `flyteidl_proto`. Our code never triggers a rebuild of it.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
find_program(PROTOC protoc REQUIRED)
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)

set(FLYTEIDL_NPM_DIR "${PROJECT_SOURCE_DIR}/node_modules/@flyteorg/flyteidl/protos")
set(GOOGLE_PROTOS_NPM_DIR "${PROJECT_SOURCE_DIR}/node_modules/google-proto-files")
if(NOT EXISTS "${FLYTEIDL_NPM_DIR}/flyteidl/service/admin.proto")
  message(FATAL_ERROR "FlyteIDL protos not found in ${FLYTEIDL_NPM_DIR}: run `npm ci` in ${PROJECT_SOURCE_DIR} first")
endif()

set(FLYTEIDL_ROOTS
  flyteidl/service/admin.proto flyteidl/service/auth.proto flyteidl/service/dataproxy.proto
  flyteidl/service/signal.proto
  flyteidl/core/errors.proto flyteidl/core/dynamic_job.proto flyteidl/event/event.proto)
set(PROTO_SRC_DIR "${CMAKE_BINARY_DIR}/proto_src")
set(PROTO_GEN_DIR "${CMAKE_BINARY_DIR}/proto_gen")
execute_process(
  COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/cmake/prepare_protos.py" "${PROTO_SRC_DIR}"
          "${FLYTEIDL_NPM_DIR}:${GOOGLE_PROTOS_NPM_DIR}" ${FLYTEIDL_ROOTS}
  OUTPUT_VARIABLE PROTO_FILES OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE PREPARE_RESULT)
if(NOT PREPARE_RESULT EQUAL 0)
  message(FATAL_ERROR "preparing FlyteIDL protos failed")
endif()
string(REPLACE "\n" ";" PROTO_FILES "${PROTO_FILES}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${PROJECT_SOURCE_DIR}/package-lock.json" "${PROJECT_SOURCE_DIR}/cmake/prepare_protos.py")

set(PROTO_OUTPUTS)
foreach(proto IN LISTS PROTO_FILES)
  string(REGEX REPLACE "\\.proto$" "" base "${proto}")
  set(outs "${PROTO_GEN_DIR}/${base}.pb.cc" "${PROTO_GEN_DIR}/${base}.pb.h")
  set(grpc_flags)
  if(proto MATCHES "^flyteidl/service/")
    list(APPEND outs "${PROTO_GEN_DIR}/${base}.grpc.pb.cc" "${PROTO_GEN_DIR}/${base}.grpc.pb.h")
    set(grpc_flags "--grpc_out=${PROTO_GEN_DIR}" "--plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN}")
  endif()
  add_custom_command(
    OUTPUT ${outs}
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${PROTO_GEN_DIR}"
    COMMAND "${PROTOC}" -I "${PROTO_SRC_DIR}" "--cpp_out=${PROTO_GEN_DIR}" ${grpc_flags} "${proto}"
    DEPENDS "${PROTO_SRC_DIR}/${proto}"
    COMMENT "protoc ${proto}" VERBATIM)
  list(APPEND PROTO_OUTPUTS ${outs})
endforeach()

add_library(flyteidl_proto_archive STATIC ${PROTO_OUTPUTS})
target_include_directories(flyteidl_proto_archive SYSTEM PUBLIC "${PROTO_GEN_DIR}")
target_link_libraries(flyteidl_proto_archive PUBLIC flyte_deps)
# Generated code: optimise lightly and never warn; object paths stay unique per proto path.
target_compile_options(flyteidl_proto_archive PRIVATE -O1 -g0 -w)
# Each generated source defines file-level tables of the same names: no unity build.
set_target_properties(flyteidl_proto_archive PROPERTIES UNITY_BUILD OFF)
if(FLYTE_SANITIZE)
  # Generated code is not ours to check, and instrumenting it triples the build time.
  target_compile_options(flyteidl_proto_archive PRIVATE -fno-sanitize=all)
endif()

# Linked whole: the service protos define no messages, so nothing would pull their descriptors
# into the binary, yet the gateway routes, reflection and JSON need every descriptor registered.
add_library(flyteidl_proto INTERFACE)
target_include_directories(flyteidl_proto SYSTEM INTERFACE "${PROTO_GEN_DIR}")
target_link_libraries(flyteidl_proto INTERFACE "$<LINK_LIBRARY:WHOLE_ARCHIVE,flyteidl_proto_archive>" flyte_deps)
