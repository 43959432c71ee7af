# Small helpers so each module is one target with an alias (iam::name).
#
#   iam_cc_library(NAME name [ALIAS iam::name] [NO_DOMAIN_PCH] [NO_UNITY] SRCS ... DEPS ...)
#   iam_cc_binary(NAME name SRCS ... DEPS ...)
#   iam_cc_test(NAME name SRCS ... DEPS ... [LABELS ...])

#   NO_DOMAIN_PCH: the library does not reuse the domain libraries'
#   precompiled header (IAM_DOMAIN_PCH, iam/CMakeLists.txt): it has its own
#   (the gRPC layer) or its flags differ (gRPC's -D_REENTRANT). Every other
#   library under iam/ reuses it.
#   NO_UNITY: never batched by IAM_UNITY_BUILD (its files define private
#   names alike).
function(iam_cc_library)
  cmake_parse_arguments(A "NO_DOMAIN_PCH;NO_UNITY" "NAME;ALIAS" "SRCS;DEPS" ${ARGN})
  add_library(${A_NAME} STATIC ${A_SRCS})
  target_link_libraries(${A_NAME} PUBLIC ${A_DEPS})
  if(IAM_UNITY_BUILD AND NOT A_NO_UNITY)
    set_target_properties(${A_NAME} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
  if(IAM_DOMAIN_PCH AND NOT A_NO_DOMAIN_PCH)
    target_precompile_headers(${A_NAME} REUSE_FROM ${IAM_DOMAIN_PCH})
    # GCC 12 forgets, for code that comes from a precompiled header, that
    # libstdc++ is a system header, and then reports its known -Warray-bounds
    # false positives about std::string copies (GCC PR 105651) in our files.
    # The same files build without a warning when the header is parsed;
    # real out-of-bounds accesses are the sanitizer build's to catch.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${A_NAME} PRIVATE -Wno-array-bounds)
    endif()
  endif()
  if(A_ALIAS)
    add_library(${A_ALIAS} ALIAS ${A_NAME})
  endif()
endfunction()

function(iam_cc_binary)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS})
endfunction()

# Test code is compiled for quick builds, not speed: line tables only
# (enough for every backtrace, sanitizer reports included) instead of full
# debug information, and -O1 in the optimized trees. Test code spent most
# of its compile time generating both; the code under test keeps the
# tree's flags.
function(iam_test_flags target)
  target_compile_options(${target} PRIVATE -g1)
  if(CMAKE_BUILD_TYPE MATCHES "^(Release|RelWithDebInfo)$")
    target_compile_options(${target} PRIVATE -O1)
  endif()
endfunction()

function(iam_cc_test)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} iam_test_pch GTest::gtest GTest::gmock
                        GTest::gtest_main)
  # Every test target in a tree shares the flags, so one precompiled header
  # serves them all.
  target_precompile_headers(${A_NAME} REUSE_FROM iam_test_pch)
  iam_test_flags(${A_NAME})
  # A test binary of several files compiles them as one under
  # IAM_UNITY_BUILD: each file's cost is mostly gtest's and the shared
  # headers', paid once a batch.
  if(IAM_UNITY_BUILD)
    set_target_properties(${A_NAME} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
  # One CTest entry per binary: gtest_discover_tests would start a process
  # per case and multiply the MariaDB database set-up cost.
  add_test(NAME ${A_NAME} COMMAND ${A_NAME} --gtest_brief=1)
  if(A_LABELS)
    set_tests_properties(${A_NAME} PROPERTIES LABELS "${A_LABELS}")
  endif()
endfunction()
