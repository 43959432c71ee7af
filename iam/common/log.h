// Structured logging: one JSON object a line on stderr, through spdlog.
// Thread-safe. Callers pass only non-secret fields; there is no generic
// "dump the request" helper on purpose.
#ifndef IAM_COMMON_LOG_H_
#define IAM_COMMON_LOG_H_

#include "absl/strings/string_view.h"
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace iam::log {

using Field = std::pair<absl::string_view, std::string>;

// level: "debug", "info", "warn", "error". format: "json" or "text".
void Init(absl::string_view level, absl::string_view format);

void Debug(absl::string_view msg, std::initializer_list<Field> fields = {});
void Info(absl::string_view msg, std::initializer_list<Field> fields = {});
void Warn(absl::string_view msg, std::initializer_list<Field> fields = {});
void Error(absl::string_view msg, std::initializer_list<Field> fields = {});

}  // namespace iam::log

#endif  // IAM_COMMON_LOG_H_
