// ReadAccount: an account's configuration as an AccountDocument, read
// through the domain services as the caller, so that each part is
// authorized as its own read is (iam:ListUsers, iam:GetPolicy, ...).
#ifndef IAM_DECLARATIVE_ACCOUNT_READER_H_
#define IAM_DECLARATIVE_ACCOUNT_READER_H_

#include <string>

#include "absl/status/statusor.h"
#include "iam/account/caller.h"
#include "iam/declarative/account_document.h"
#include "iam/declarative/account_services.h"

namespace iam::declarative {

// Left out: clients an app registered itself (and their service
// accounts), and role assignments with an expiry (just-in-time grants).
absl::StatusOr<AccountDocument> ReadAccount(const AccountServices& s,
                                            const account::Caller& caller,
                                            const std::string& account_id);

}  // namespace iam::declarative

#endif  // IAM_DECLARATIVE_ACCOUNT_READER_H_
