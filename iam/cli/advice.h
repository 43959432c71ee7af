// What a person can do about a failed iamctl call, said after the error
// itself: which credential was tried and how to give one, which profiles
// exist when the one named is not there, and how to reach iamd when the
// address is wrong (a URL, the HTTP port, nothing listening). Pure
// functions of the context and the status; single-threaded like iamctl.
#ifndef IAM_CLI_ADVICE_H_
#define IAM_CLI_ADVICE_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace iam::cli {

class Context;

// "" when there is nothing to add.
std::string Advice(const Context& context, const grpc::Status& status);

// INVALID_ARGUMENT when `address` is not host:port (a URL, a path), naming
// where it came from.
absl::Status CheckAddress(const std::string& address, const std::string& source);

}  // namespace iam::cli

#endif  // IAM_CLI_ADVICE_H_
