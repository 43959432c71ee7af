// AdminServiceImpl: the gRPC face of the account module. Thin: authenticate
// the bearer access key, translate the request, call the domain service,
// translate the answer. Thread-safe; the context's collaborators must
// outlive it.
#ifndef IAM_SERVER_ADMIN_SERVICE_H_
#define IAM_SERVER_ADMIN_SERVICE_H_

#include "iam/account/access_key_service.h"
#include "iam/account/account_service.h"
#include "iam/account/group_service.h"
#include "iam/account/user_service.h"
#include "iam/v1/admin_service.grpc.pb.h"

namespace iam::server {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(const account::ServiceContext& ctx)
      : accounts_(ctx), users_(ctx), groups_(ctx), keys_(ctx) {}

  // Who is calling: the bearer key in the metadata, checked against the
  // peer's address. UNAUTHENTICATED when absent or invalid.
  absl::StatusOr<account::Caller> Authenticate(grpc::ServerContext* ctx) const;

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

 private:
  account::AccountService accounts_;
  account::UserService users_;
  account::GroupService groups_;
  account::AccessKeyService keys_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_ADMIN_SERVICE_H_
