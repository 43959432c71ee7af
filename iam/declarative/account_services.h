// The domain services an account's configuration is read and changed
// through. Reading and applying a document goes through them exactly as
// the single admin calls do: the same authorization, the same checks, the
// same audit records. Borrowed.
#ifndef IAM_DECLARATIVE_ACCOUNT_SERVICES_H_
#define IAM_DECLARATIVE_ACCOUNT_SERVICES_H_

#include "iam/account/group_service.h"
#include "iam/account/mutation.h"
#include "iam/account/role_service.h"
#include "iam/account/user_service.h"
#include "iam/auth/auth_admin_service.h"
#include "iam/authz/policy_admin_service.h"
#include "iam/authz/resource_admin_service.h"
#include "iam/federation/idp_service.h"
#include "iam/oauth/client_service.h"
#include "iam/store/database.h"

namespace iam::declarative {

struct AccountServices {
  store::Database& db;  // for the one transaction an apply runs in
  const account::Mutations& mutations;
  account::UserService& users;
  account::GroupService& groups;
  account::RoleService& roles;
  authz::PolicyAdminService& policies;
  authz::ResourceAdminService& resources;
  auth::AuthAdminService& auth_admin;
  oauth::ClientService& clients;
  federation::IdpService& idps;
};

}  // namespace iam::declarative

#endif  // IAM_DECLARATIVE_ACCOUNT_SERVICES_H_
