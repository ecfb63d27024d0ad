# Warnings and sanitizer flags shared by every sluice target.
add_library(sluice_warnings INTERFACE)
target_compile_options(sluice_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough)
if(SLUICE_WERROR)
  target_compile_options(sluice_warnings INTERFACE -Werror)
endif()

if(SLUICE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(SLUICE_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SLUICE_BUILD_FUZZ needs clang (libFuzzer); use the 'fuzz' preset")
  endif()
  # Every object is instrumented for coverage; only fuzz executables link the libFuzzer main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# sluice_layer(NAME SOURCES... DEPS ...): one static library per src/ folder (DESIGN.md §2).
# Include paths are rooted at src/ ("rtp/rtp_packet.h") and at include/ ("sluice/result.h").
# Layers are also collected so that the shared libsluice can bundle them.
function(sluice_layer name)
  cmake_parse_arguments(L "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(sluice_${name} STATIC ${L_SOURCES})
  target_include_directories(sluice_${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>)
  target_link_libraries(sluice_${name} PUBLIC ${L_DEPS} PRIVATE sluice_warnings ${L_PRIVATE_DEPS})
  set_property(GLOBAL APPEND PROPERTY SLUICE_LAYERS sluice_${name})
endfunction()
