# libsluice: the shared library users link. It bundles every layer's objects, so a
# user links one library and needs no third-party headers (the public headers include only the
# standard library). `cmake --install` puts it, include/sluice, an exported CMake package
# (find_package(sluice) -> sluice::sluice) and sluice.pc in the prefix.
if(SLUICE_BUILD_FUZZ)
  return()  # fuzz builds are instrumented for libFuzzer; nothing to install
endif()

include(CMakePackageConfigHelpers)

configure_file(${PROJECT_SOURCE_DIR}/src/version.cc.in ${PROJECT_BINARY_DIR}/generated/version.cc @ONLY)
get_property(sluice_layers GLOBAL PROPERTY SLUICE_LAYERS)
# Every layer's objects go into the shared library directly. The layers' static archives are
# linked too, but only for their third-party dependencies (OpenSSL, libsrtp2, ...): their members
# are already defined by the objects, so nothing is pulled twice.
set(sluice_layer_objects "")
foreach(layer ${sluice_layers})
  list(APPEND sluice_layer_objects $<TARGET_OBJECTS:${layer}>)
endforeach()
add_library(sluice SHARED ${PROJECT_BINARY_DIR}/generated/version.cc ${sluice_layer_objects})
add_library(sluice::sluice ALIAS sluice)
target_include_directories(sluice PUBLIC
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(sluice PRIVATE "$<BUILD_INTERFACE:${sluice_layers}>")
target_compile_features(sluice PUBLIC cxx_std_20)
set_target_properties(sluice PROPERTIES
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}
  EXPORT_NAME sluice)

install(TARGETS sluice EXPORT sluiceTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/sluice DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT sluiceTargets NAMESPACE sluice:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sluice)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/sluiceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/sluiceConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sluice)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sluiceConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sluiceConfig.cmake ${PROJECT_BINARY_DIR}/sluiceConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sluice)

# The .pc file finds its prefix relative to itself, so `cmake --install --prefix` anywhere works.
file(RELATIVE_PATH SLUICE_PC_PREFIX "/r/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/r")
configure_file(${PROJECT_SOURCE_DIR}/cmake/sluice.pc.in ${PROJECT_BINARY_DIR}/sluice.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/sluice.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
