// The findings of a policy document (policy/lint.h) as the API answers
// them: with ValidatePolicy, and beside every policy write.
#ifndef IAM_SERVER_POLICY_FINDINGS_H_
#define IAM_SERVER_POLICY_FINDINGS_H_

#include <google/protobuf/repeated_ptr_field.h>

#include "absl/strings/string_view.h"
#include "iam/v1/authz_admin.pb.h"
#include "policy/policy.h"

namespace iam::server {

// `document` was accepted (by the write, or by ParsePolicy): a document
// that does not parse as JSON adds nothing.
void AddFindings(absl::string_view document, policy::PolicyKind kind,
                 google::protobuf::RepeatedPtrField<v1::PolicyFinding>* out);

}  // namespace iam::server

#endif  // IAM_SERVER_POLICY_FINDINGS_H_
