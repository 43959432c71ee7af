// Identifiers assigned by the service, drawn from the CSPRNG: account ids of
// twelve digits (as AWS account ids, so policies and ARNs read the same),
// and prefixed base32 ids for users, groups and access keys.
#ifndef IAM_ACCOUNT_IDS_H_
#define IAM_ACCOUNT_IDS_H_

#include <string>

#include "iam/common/random.h"

namespace iam::account {

std::string NewAccountId(Random& random);
std::string NewUserId(Random& random);       // "AIDA" + 17
std::string NewGroupId(Random& random);      // "AGPA" + 17
std::string NewAccessKeyId(Random& random);  // "AKIA" + 16
std::string NewRoleId(Random& random);       // "AROA" + 17
std::string NewPolicyId(Random& random);     // "ANPA" + 17
std::string NewRuleId(Random& random);       // "ASOD" + 17
std::string NewClientId(Random& random);     // "ACLI" + 17 (a row id, not an OAuth client_id)
// 256 bits, base64url without padding (43 characters).
std::string NewSecret(Random& random);

}  // namespace iam::account

#endif  // IAM_ACCOUNT_IDS_H_
