// Assertions on grpc::Status codes for end-to-end tests: the expression is
// evaluated once, and a mismatch prints the server's message.
#ifndef IAM_TESTS_SUPPORT_RPC_MATCHERS_H_
#define IAM_TESTS_SUPPORT_RPC_MATCHERS_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#define EXPECT_RPC(expr, code)                                                \
  do {                                                                        \
    grpc::Status rpc_status_ = (expr);                                        \
    EXPECT_EQ(rpc_status_.error_code(), code) << rpc_status_.error_message(); \
  } while (0)
#define EXPECT_RPC_OK(expr) EXPECT_RPC(expr, grpc::StatusCode::OK)
#define ASSERT_RPC_OK(expr)                                           \
  do {                                                                \
    grpc::Status rpc_status_ = (expr);                                \
    ASSERT_TRUE(rpc_status_.ok()) << rpc_status_.error_message();     \
  } while (0)

#endif  // IAM_TESTS_SUPPORT_RPC_MATCHERS_H_
