#include "iam/cli/duration.h"

#include <limits>

#include "absl/strings/numbers.h"

namespace iam::cli {

int64_t ParseDurationSeconds(const std::string& text) {
  if (text.size() < 2) return 0;
  int64_t n = 0;
  if (!absl::SimpleAtoi(text.substr(0, text.size() - 1), &n) || n <= 0) return 0;
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return 0;
  }
  if (n > std::numeric_limits<int64_t>::max() / unit) return 0;
  return n * unit;
}

}  // namespace iam::cli
