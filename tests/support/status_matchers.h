// Assertions on absl::Status / StatusOr codes (Debian's abseil has no
// matchers): tests assert the code, not merely "failed".
#ifndef IAM_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define IAM_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace iam::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

}  // namespace iam::testing

#define EXPECT_OK(expr) EXPECT_TRUE(::iam::testing::GetStatus(expr).ok()) \
    << ::iam::testing::GetStatus(expr)
#define ASSERT_OK(expr) ASSERT_TRUE(::iam::testing::GetStatus(expr).ok()) \
    << ::iam::testing::GetStatus(expr)
#define EXPECT_CODE(expr, expected) EXPECT_EQ(::iam::testing::GetStatus(expr).code(), expected) \
    << ::iam::testing::GetStatus(expr)
#define ASSERT_CODE(expr, expected) ASSERT_EQ(::iam::testing::GetStatus(expr).code(), expected) \
    << ::iam::testing::GetStatus(expr)

// ASSERT_OK_AND_ASSIGN(auto x, StatusOrExpr()): the value, or the test
// stops with the status.
#define IAM_TEST_CONCAT_INNER_(a, b) a##b
#define IAM_TEST_CONCAT_(a, b) IAM_TEST_CONCAT_INNER_(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(IAM_TEST_CONCAT_(status_or_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  ASSERT_TRUE(tmp.ok()) << tmp.status();           \
  lhs = std::move(tmp).value()

#endif  // IAM_TESTS_SUPPORT_STATUS_MATCHERS_H_
