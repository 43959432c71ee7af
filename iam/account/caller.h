// Caller: who is making a request, as established by authentication, and
// from where. Plain value.
#ifndef IAM_ACCOUNT_CALLER_H_
#define IAM_ACCOUNT_CALLER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "iam/account/arn.h"

namespace iam::account {

struct Caller {
  std::string account_id;
  std::string user_id;
  std::string username;
  std::string access_key_id;
  // Set when the caller presented an access token instead of a key.
  std::string session_id;
  std::vector<std::string> amr;
  int64_t auth_time = 0;        // Unix seconds: the login's authentication
  int64_t token_issued_at = 0;  // Unix seconds: the access token's issue
  bool is_admin = false;
  bool system_account = false;
  std::string source_ip;
  std::string user_agent;

  std::string Arn() const { return UserArn(account_id, username); }
};

}  // namespace iam::account

#endif  // IAM_ACCOUNT_CALLER_H_
