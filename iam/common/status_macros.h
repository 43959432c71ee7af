// Early-return helpers for absl::Status and absl::StatusOr, which Debian's
// abseil (20220623) does not ship. Header-only; no state.
#ifndef IAM_COMMON_STATUS_MACROS_H_
#define IAM_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define IAM_CONCAT_INNER_(a, b) a##b
#define IAM_CONCAT_(a, b) IAM_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                           \
  do {                                                  \
    ::absl::Status iam_status_ = (expr);                \
    if (!iam_status_.ok()) return iam_status_;          \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F());` declares x from the value of F(), or
// returns its status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(IAM_CONCAT_(iam_statusor_, __LINE__), lhs, expr)

#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // IAM_COMMON_STATUS_MACROS_H_
