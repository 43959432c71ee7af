// Reading a secret (password) without echoing it: from the terminal with
// echo off, or one line of stdin when stdin is not a terminal (scripts).
// Never from argv, where other users of the machine could read it.
#ifndef IAM_CLI_SECRET_INPUT_H_
#define IAM_CLI_SECRET_INPUT_H_

#include <string>

namespace iam::cli {

// "" when nothing could be read.
std::string ReadSecret(const std::string& prompt);

}  // namespace iam::cli

#endif  // IAM_CLI_SECRET_INPUT_H_
