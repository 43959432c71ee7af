// The second half of `iamctl login`: when the service answers MFA_REQUIRED,
// prompt for a code (or recovery code), or take the user through TOTP
// enrolment (URI and QR code, then a code) when the policy requires a
// factor the user lacks. Also the terminal QR code.
#ifndef IAM_CLI_MFA_FLOW_H_
#define IAM_CLI_MFA_FLOW_H_

#include <string>

#include "iam/cli/context.h"

namespace iam::cli {

// Updates *r with the outcome; tries up to the ticket's limit.
grpc::Status CompleteMfa(Context& c, bool remember_device, v1::LoginResponse* r);

// Prints the enrolment: a QR code for authenticator apps and the secret.
void PrintEnrollment(const v1::BeginTotpEnrollmentResponse& e);

}  // namespace iam::cli

#endif  // IAM_CLI_MFA_FLOW_H_
