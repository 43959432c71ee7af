// AdminServiceImpl: the gRPC face of the account module. Thin: authenticate
// the bearer access key, translate the request, call the domain service,
// translate the answer. Thread-safe; the domain services it borrows must
// outlive it.
#ifndef IAM_SERVER_ADMIN_SERVICE_H_
#define IAM_SERVER_ADMIN_SERVICE_H_

#include "iam/account/access_key_service.h"
#include "iam/account/account_service.h"
#include "iam/account/group_service.h"
#include "iam/account/role_service.h"
#include "iam/account/user_service.h"
#include "iam/authz/access_report.h"
#include "iam/authz/permissions_export.h"
#include "iam/authz/policy_admin_service.h"
#include "iam/authz/resource_admin_service.h"
#include "iam/declarative/account_services.h"
#include "iam/auth/auth_admin_service.h"
#include "iam/auth/password_service.h"
#include "iam/server/authenticator.h"
#include "iam/session/session_service.h"
#include "iam/federation/federated_login.h"
#include "iam/federation/idp_service.h"
#include "iam/federation/oidc_upstream.h"
#include "iam/oauth/client_service.h"
#include "iam/token/key_ring.h"
#include "iam/v1/admin_service.grpc.pb.h"

namespace iam::server {

// The domain services AdminService fronts. Borrowed.
struct AdminBackends {
  account::AccountService& accounts;
  account::UserService& users;
  account::GroupService& groups;
  account::AccessKeyService& keys;
  account::RoleService& roles;
  authz::PolicyAdminService& policies;
  authz::ResourceAdminService& resources;
  authz::PermissionsExporter& exporter;
  authz::AccessReports& access_reports;
  auth::AuthAdminService& auth_admin;
  auth::PasswordService& passwords;
  session::SessionService& sessions;
  mfa::MfaService& mfa;
  mfa::DeviceService& devices;
  const account::Mutations& mutations;  // the writes made here (RotateSigningKey)
  token::KeyRing& signing_keys;
  oauth::ClientService& clients;
  federation::IdpService& idps;
  federation::OidcUpstream* oidc_upstream;  // may be null: OIDC providers are not probed
  federation::FederatedLogin& federated_login;  // LDAP providers are probed with its directory
  store::Database& db;  // the one transaction an account's configuration is applied in
};

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  AdminServiceImpl(const AdminBackends& b, const Authenticator* authenticator)
      : accounts_(b.accounts), users_(b.users), groups_(b.groups), keys_(b.keys),
        roles_(b.roles), policies_(b.policies), resources_(b.resources), exporter_(b.exporter),
        access_reports_(b.access_reports),
        auth_admin_(b.auth_admin), passwords_(b.passwords), sessions_(&b.sessions),
        mfa_(&b.mfa), devices_(&b.devices), signing_keys_(&b.signing_keys),
        authn_(authenticator), mutations_(b.mutations), clients_(b.clients),
        idps_(b.idps), oidc_upstream_(b.oidc_upstream), federated_login_(b.federated_login),
        configuration_{b.db, b.mutations, b.users, b.groups, b.roles,
                       b.policies, b.resources, b.auth_admin, b.clients, b.idps} {}

  // Who is calling: the bearer access key or access token in the metadata.
  // UNAUTHENTICATED when absent or invalid.
  absl::StatusOr<account::Caller> Authenticate(grpc::ServerContextBase* ctx) const {
    return authn_->Authenticate(ctx);
  }

  grpc::Status GetCallerIdentity(grpc::ServerContext*, const v1::GetCallerIdentityRequest*,
                                 v1::GetCallerIdentityResponse*) override;
  grpc::Status CreateAccount(grpc::ServerContext*, const v1::CreateAccountRequest*,
                             v1::CreateAccountResponse*) override;
  grpc::Status GetAccount(grpc::ServerContext*, const v1::GetAccountRequest*,
                          v1::Account*) override;
  grpc::Status ListAccounts(grpc::ServerContext*, const v1::ListAccountsRequest*,
                            v1::ListAccountsResponse*) override;
  grpc::Status SuspendAccount(grpc::ServerContext*, const v1::SuspendAccountRequest*,
                              v1::Account*) override;
  grpc::Status ReactivateAccount(grpc::ServerContext*, const v1::ReactivateAccountRequest*,
                                 v1::Account*) override;
  grpc::Status CloseAccount(grpc::ServerContext*, const v1::CloseAccountRequest*,
                            v1::Account*) override;
  grpc::Status CreateUser(grpc::ServerContext*, const v1::CreateUserRequest*, v1::User*) override;
  grpc::Status GetUser(grpc::ServerContext*, const v1::GetUserRequest*, v1::User*) override;
  grpc::Status ListUsers(grpc::ServerContext*, const v1::ListUsersRequest*,
                         v1::ListUsersResponse*) override;
  grpc::Status UpdateUser(grpc::ServerContext*, const v1::UpdateUserRequest*, v1::User*) override;
  grpc::Status DisableUser(grpc::ServerContext*, const v1::DisableUserRequest*,
                           v1::User*) override;
  grpc::Status EnableUser(grpc::ServerContext*, const v1::EnableUserRequest*, v1::User*) override;
  grpc::Status DeleteUser(grpc::ServerContext*, const v1::DeleteUserRequest*,
                          v1::DeleteUserResponse*) override;
  grpc::Status CreateGroup(grpc::ServerContext*, const v1::CreateGroupRequest*,
                           v1::Group*) override;
  grpc::Status GetGroup(grpc::ServerContext*, const v1::GetGroupRequest*, v1::Group*) override;
  grpc::Status ListGroups(grpc::ServerContext*, const v1::ListGroupsRequest*,
                          v1::ListGroupsResponse*) override;
  grpc::Status DeleteGroup(grpc::ServerContext*, const v1::DeleteGroupRequest*,
                           v1::DeleteGroupResponse*) override;
  grpc::Status AddGroupMember(grpc::ServerContext*, const v1::AddGroupMemberRequest*,
                              v1::AddGroupMemberResponse*) override;
  grpc::Status RemoveGroupMember(grpc::ServerContext*, const v1::RemoveGroupMemberRequest*,
                                 v1::RemoveGroupMemberResponse*) override;
  grpc::Status ListGroupMembers(grpc::ServerContext*, const v1::ListGroupMembersRequest*,
                                v1::ListUsersResponse*) override;
  grpc::Status ListUserGroups(grpc::ServerContext*, const v1::ListUserGroupsRequest*,
                              v1::ListGroupsResponse*) override;
  grpc::Status CreateAccessKey(grpc::ServerContext*, const v1::CreateAccessKeyRequest*,
                               v1::CreateAccessKeyResponse*) override;
  grpc::Status ListAccessKeys(grpc::ServerContext*, const v1::ListAccessKeysRequest*,
                              v1::ListAccessKeysResponse*) override;
  grpc::Status RevokeAccessKey(grpc::ServerContext*, const v1::RevokeAccessKeyRequest*,
                               v1::AccessKey*) override;
  grpc::Status GetAccountPolicy(grpc::ServerContext*, const v1::GetAccountPolicyRequest*,
                                v1::AccountPolicy*) override;
  grpc::Status SetAccountPolicy(grpc::ServerContext*, const v1::SetAccountPolicyRequest*,
                                v1::AccountPolicy*) override;
  grpc::Status SetUserPassword(grpc::ServerContext*, const v1::SetUserPasswordRequest*,
                               v1::SetUserPasswordResponse*) override;
  grpc::Status ResetUserMfa(grpc::ServerContext*, const v1::ResetUserMfaRequest*,
                            v1::ResetUserMfaResponse*) override;
  grpc::Status ApproveDevice(grpc::ServerContext*, const v1::ApproveDeviceRequest*,
                             v1::ApproveDeviceResponse*) override;
  grpc::Status GetUserIpAllowlist(grpc::ServerContext*, const v1::GetUserIpAllowlistRequest*,
                                  v1::UserIpAllowlist*) override;
  grpc::Status SetUserIpAllowlist(grpc::ServerContext*, const v1::SetUserIpAllowlistRequest*,
                                  v1::UserIpAllowlist*) override;
  grpc::Status UnlockUser(grpc::ServerContext*, const v1::UnlockUserRequest*,
                          v1::UnlockUserResponse*) override;
  grpc::Status ListLoginBlocks(grpc::ServerContext*, const v1::ListLoginBlocksRequest*,
                               v1::ListLoginBlocksResponse*) override;
  grpc::Status ClearLoginBlock(grpc::ServerContext*, const v1::ClearLoginBlockRequest*,
                               v1::ClearLoginBlockResponse*) override;
  grpc::Status BlockLoginSource(grpc::ServerContext*, const v1::BlockLoginSourceRequest*,
                                v1::LoginBlock*) override;
  grpc::Status RevokeUserSessions(grpc::ServerContext*, const v1::RevokeUserSessionsRequest*,
                                  v1::RevokeUserSessionsResponse*) override;
  grpc::Status RotateSigningKey(grpc::ServerContext*, const v1::RotateSigningKeyRequest*,
                                v1::RotateSigningKeyResponse*) override;
  grpc::Status ListSigningKeys(grpc::ServerContext*, const v1::ListSigningKeysRequest*,
                               v1::ListSigningKeysResponse*) override;

#define IAM_ADMIN_RPC(name, Req, Resp) \
  grpc::Status name(grpc::ServerContext*, const v1::Req*, v1::Resp*) override;
  IAM_ADMIN_RPC(ValidatePolicy, ValidatePolicyRequest, ValidatePolicyResponse)  // policy_findings.cc
  IAM_ADMIN_RPC(CreatePolicy, CreatePolicyRequest, ManagedPolicy)
  IAM_ADMIN_RPC(GetPolicy, GetPolicyRequest, ManagedPolicy)
  IAM_ADMIN_RPC(ListPolicies, ListPoliciesRequest, ListPoliciesResponse)
  IAM_ADMIN_RPC(DeletePolicy, DeletePolicyRequest, DeletePolicyResponse)
  IAM_ADMIN_RPC(CreatePolicyVersion, CreatePolicyVersionRequest, PolicyVersion)
  IAM_ADMIN_RPC(GetPolicyVersion, PolicyVersionRequest, PolicyVersion)
  IAM_ADMIN_RPC(ListPolicyVersions, GetPolicyRequest, ListPolicyVersionsResponse)
  IAM_ADMIN_RPC(SetDefaultPolicyVersion, PolicyVersionRequest, PolicyVersionResponse)
  IAM_ADMIN_RPC(DeletePolicyVersion, PolicyVersionRequest, PolicyVersionResponse)
  IAM_ADMIN_RPC(AttachPolicy, AttachPolicyRequest, AttachPolicyResponse)
  IAM_ADMIN_RPC(DetachPolicy, AttachPolicyRequest, AttachPolicyResponse)
  IAM_ADMIN_RPC(ListPrincipalPolicies, PrincipalRequest, PrincipalPolicies)
  IAM_ADMIN_RPC(PutInlinePolicy, InlinePolicyRequest, InlinePolicyResponse)
  IAM_ADMIN_RPC(GetInlinePolicy, InlinePolicyRequest, InlinePolicy)
  IAM_ADMIN_RPC(DeleteInlinePolicy, InlinePolicyRequest, InlinePolicyResponse)
  IAM_ADMIN_RPC(PutPermissionsBoundary, PermissionsBoundaryRequest, PermissionsBoundaryResponse)
  IAM_ADMIN_RPC(DeletePermissionsBoundary, PermissionsBoundaryRequest,
                PermissionsBoundaryResponse)
  IAM_ADMIN_RPC(TagPrincipal, TagPrincipalRequest, PrincipalTags)
  IAM_ADMIN_RPC(UntagPrincipal, UntagPrincipalRequest, PrincipalTags)
  IAM_ADMIN_RPC(ListPrincipalTags, PrincipalRequest, PrincipalTags)
  IAM_ADMIN_RPC(TagPolicy, TagPolicyRequest, PolicyTags)
  IAM_ADMIN_RPC(UntagPolicy, UntagPolicyRequest, PolicyTags)
  IAM_ADMIN_RPC(ListPolicyTags, GetPolicyRequest, PolicyTags)
  IAM_ADMIN_RPC(CreateRole, CreateRoleRequest, Role)
  IAM_ADMIN_RPC(GetRole, RoleRequest, Role)
  IAM_ADMIN_RPC(ListRoles, ListRolesRequest, ListRolesResponse)
  IAM_ADMIN_RPC(DeleteRole, RoleRequest, DeleteRoleResponse)
  IAM_ADMIN_RPC(AssignRole, AssignRoleRequest, RoleAssignment)
  IAM_ADMIN_RPC(UnassignRole, UnassignRoleRequest, UnassignRoleResponse)
  IAM_ADMIN_RPC(ListUserRoles, ListUserRolesRequest, ListUserRolesResponse)
  IAM_ADMIN_RPC(CreateSodRule, CreateSodRuleRequest, SodRule)
  IAM_ADMIN_RPC(ListSodRules, SodRuleRequest, ListSodRulesResponse)
  IAM_ADMIN_RPC(DeleteSodRule, SodRuleRequest, DeleteSodRuleResponse)
  IAM_ADMIN_RPC(PutResourcePolicy, ResourcePolicyRequest, ResourcePolicy)
  IAM_ADMIN_RPC(GetResourcePolicy, ResourcePolicyRequest, ResourcePolicy)
  IAM_ADMIN_RPC(DeleteResourcePolicy, ResourcePolicyRequest, DeleteResourcePolicyResponse)
  IAM_ADMIN_RPC(PutResourceAcl, PutResourceAclRequest, ResourceAcl)
  IAM_ADMIN_RPC(GetResourceAcl, GetResourceAclRequest, ResourceAcl)
  IAM_ADMIN_RPC(DeleteResourceAcl, GetResourceAclRequest, DeleteResourceAclResponse)
  IAM_ADMIN_RPC(ExportPermissions, ExportPermissionsRequest, ExportPermissionsResponse)
  IAM_ADMIN_RPC(GetAccessLastUsed, AccessLastUsedRequest, AccessLastUsedResponse)
  IAM_ADMIN_RPC(ListUnusedAccess, UnusedAccessRequest, UnusedAccessResponse)
  // admin_declarative_handlers.cc
  IAM_ADMIN_RPC(ExportAccountConfiguration, ExportAccountConfigurationRequest,
                AccountConfiguration)
  IAM_ADMIN_RPC(ApplyAccountConfiguration, ApplyAccountConfigurationRequest,
                ApplyAccountConfigurationResponse)
  // admin_oauth_handlers.cc
  IAM_ADMIN_RPC(CreateClient, CreateClientRequest, IssuedClient)
  IAM_ADMIN_RPC(GetClient, ClientRequest, OAuthClient)
  IAM_ADMIN_RPC(ListClients, ListClientsRequest, ListClientsResponse)
  IAM_ADMIN_RPC(UpdateClient, UpdateClientRequest, IssuedClient)
  IAM_ADMIN_RPC(DeleteClient, ClientRequest, DeleteClientResponse)
  IAM_ADMIN_RPC(RotateClientSecret, RotateClientSecretRequest, IssuedClient)
  IAM_ADMIN_RPC(CreateInitialAccessToken, CreateInitialAccessTokenRequest,
                IssuedInitialAccessToken)
  IAM_ADMIN_RPC(ListInitialAccessTokens, ListInitialAccessTokensRequest,
                ListInitialAccessTokensResponse)
  IAM_ADMIN_RPC(ListLogoutDeliveries, ListLogoutDeliveriesRequest, ListLogoutDeliveriesResponse)
  IAM_ADMIN_RPC(DeleteInitialAccessToken, DeleteInitialAccessTokenRequest,
                DeleteInitialAccessTokenResponse)
  IAM_ADMIN_RPC(CreateIdentityProvider, CreateIdentityProviderRequest, IdentityProvider)
  IAM_ADMIN_RPC(GetIdentityProvider, IdentityProviderRequest, IdentityProvider)
  IAM_ADMIN_RPC(ListIdentityProviders, ListIdentityProvidersRequest, ListIdentityProvidersResponse)
  IAM_ADMIN_RPC(UpdateIdentityProvider, UpdateIdentityProviderRequest, IdentityProvider)
  IAM_ADMIN_RPC(DeleteIdentityProvider, IdentityProviderRequest, DeleteIdentityProviderResponse)
  IAM_ADMIN_RPC(TestIdentityProvider, TestIdentityProviderRequest, TestIdentityProviderResponse)
#undef IAM_ADMIN_RPC

 private:
  account::AccountService& accounts_;
  account::UserService& users_;
  account::GroupService& groups_;
  account::AccessKeyService& keys_;
  account::RoleService& roles_;
  authz::PolicyAdminService& policies_;
  authz::ResourceAdminService& resources_;
  authz::PermissionsExporter& exporter_;
  authz::AccessReports& access_reports_;
  auth::AuthAdminService& auth_admin_;
  auth::PasswordService& passwords_;
  session::SessionService* sessions_;
  mfa::MfaService* mfa_;
  mfa::DeviceService* devices_;
  token::KeyRing* signing_keys_;
  const Authenticator* authn_;
  const account::Mutations& mutations_;
  oauth::ClientService& clients_;
  federation::IdpService& idps_;
  federation::OidcUpstream* oidc_upstream_;
  federation::FederatedLogin& federated_login_;
  const declarative::AccountServices configuration_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_ADMIN_SERVICE_H_
