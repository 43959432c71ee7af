// Lengths of time as people type them on the command line: "90s", "30m",
// "4h", "7d".
#ifndef IAM_CLI_DURATION_H_
#define IAM_CLI_DURATION_H_

#include <cstdint>
#include <string>

namespace iam::cli {

// Seconds, or 0 when the text is not a positive number followed by s, m, h
// or d.
int64_t ParseDurationSeconds(const std::string& text);

}  // namespace iam::cli

#endif  // IAM_CLI_DURATION_H_
