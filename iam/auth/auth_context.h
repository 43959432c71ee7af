// AuthContext: what the authentication services share beyond the account
// module's ServiceContext. Borrowed pointers; the owner outlives the services.
#ifndef IAM_AUTH_AUTH_CONTEXT_H_
#define IAM_AUTH_AUTH_CONTEXT_H_

#include <memory>

#include "iam/account/service_context.h"
#include "iam/auth/challenge.h"
#include "iam/auth/lockout_policy.h"
#include "iam/auth/password_blocklist.h"
#include "iam/auth/password_hasher.h"
#include "iam/mfa/device_service.h"
#include "iam/mfa/mfa_service.h"
#include "iam/session/session_service.h"

namespace iam::auth {

struct AuthContext {
  account::ServiceContext base;
  PasswordHasher* hasher = nullptr;
  std::shared_ptr<const PasswordBlocklist> blocklist;
  ThrottlePolicy throttle;
  const ChallengeVerifier* challenge = nullptr;
  session::SessionService* sessions = nullptr;
  mfa::MfaService* mfa = nullptr;
  mfa::DeviceService* devices = nullptr;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_AUTH_CONTEXT_H_
