# Turns migrations/NNNN_*.sql into a C++ table, in file-name order, at configure time.
file(GLOB FLYTE_MIGRATIONS RELATIVE "${CMAKE_CURRENT_SOURCE_DIR}" CONFIGURE_DEPENDS
     "${CMAKE_CURRENT_SOURCE_DIR}/migrations/*.sql")
list(SORT FLYTE_MIGRATIONS)
set(FLYTE_MIGRATION_ENTRIES "")
foreach(migration IN LISTS FLYTE_MIGRATIONS)
  file(READ "${CMAKE_CURRENT_SOURCE_DIR}/${migration}" sql)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${migration}")
  get_filename_component(name "${migration}" NAME_WE)
  string(APPEND FLYTE_MIGRATION_ENTRIES "    {\"${name}\", R\"flyte_sql(${sql})flyte_sql\"},\n")
endforeach()
configure_file("${CMAKE_CURRENT_SOURCE_DIR}/migrations.cpp.in" "${CMAKE_CURRENT_BINARY_DIR}/migrations.cpp" @ONLY)
