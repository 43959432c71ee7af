#include "iam/server/admin_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "iam/common/cidr.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/server/grpc_status.h"
#include "iam/server/proto_convert.h"
#include "iam/server/serve.h"
#include "policy/json_syntax.h"

namespace iam::server {
namespace {

using google::protobuf::util::TimeUtil;

void BlockToProto(const auth::LoginBlock& b, v1::LoginBlock* out) {
  out->set_kind(b.kind);
  out->set_subject(b.subject);
  out->set_failures(b.failures);
  out->set_lockouts(b.lockouts);
  out->set_permanent(b.permanent);
  out->set_restriction(b.restriction);
  if (!b.permanent && b.locked_until > 0) {
    *out->mutable_locked_until() = TimeUtil::MillisecondsToTimestamp(b.locked_until);
  }
}

template <typename Row, typename Msg>
void AppendAll(const std::vector<Row>& rows, google::protobuf::RepeatedPtrField<Msg>* out) {
  for (const auto& r : rows) ToProto(r, out->Add());
}

}  // namespace

grpc::Status AdminServiceImpl::GetCallerIdentity(grpc::ServerContext* ctx,
                                                 const v1::GetCallerIdentityRequest*,
                                                 v1::GetCallerIdentityResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    out->set_account_id(c.account_id);
    out->set_user_id(c.user_id);
    out->set_username(c.username);
    out->set_arn(c.Arn());
    out->set_access_key_id(c.access_key_id);
    out->set_admin(c.is_admin);
    out->set_system_account(c.system_account);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::CreateAccount(grpc::ServerContext* ctx,
                                             const v1::CreateAccountRequest* req,
                                             v1::CreateAccountResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    account::NewAccount in{req->name(), req->display_name(), req->admin_username(),
                           req->admin_email()};
    ASSIGN_OR_RETURN(auto created, accounts_.Create(c, in));
    ToProto(created.account, 0, out->mutable_account());
    ToProto(created.admin, out->mutable_admin_user());
    ToProto(created.admin_key.key, out->mutable_admin_access_key());
    out->set_admin_access_key_token(created.admin_key.token);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetAccount(grpc::ServerContext* ctx,
                                          const v1::GetAccountRequest* req, v1::Account* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto row, accounts_.Get(c, req->account_id()));
    ToProto(row, accounts_.PurgeTime(row), out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListAccounts(grpc::ServerContext* ctx,
                                            const v1::ListAccountsRequest* req,
                                            v1::ListAccountsResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto page, accounts_.List(c, req->page_size(), req->page_token()));
    for (const auto& a : page.items) ToProto(a, accounts_.PurgeTime(a), out->add_accounts());
    out->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::SuspendAccount(grpc::ServerContext* ctx,
                                              const v1::SuspendAccountRequest* req,
                                              v1::Account* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto row, accounts_.Suspend(c, req->account_id(), req->reason()));
    ToProto(row, accounts_.PurgeTime(row), out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ReactivateAccount(grpc::ServerContext* ctx,
                                                 const v1::ReactivateAccountRequest* req,
                                                 v1::Account* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto row, accounts_.Reactivate(c, req->account_id()));
    ToProto(row, accounts_.PurgeTime(row), out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::CloseAccount(grpc::ServerContext* ctx,
                                            const v1::CloseAccountRequest* req, v1::Account* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto row, accounts_.Close(c, req->account_id(), req->reason()));
    ToProto(row, accounts_.PurgeTime(row), out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::CreateUser(grpc::ServerContext* ctx,
                                          const v1::CreateUserRequest* req, v1::User* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    account::NewUser in{req->username(), req->display_name(), req->email(), req->phone(),
                        req->admin()};
    const std::string& password = req->initial_password();
    if (!password.empty()) {
      // Refused before anything is created (the caller's right to create
      // users is checked by Create, which runs next).
      RETURN_IF_ERROR(passwords_.CheckCandidate(
          req->account_id().empty() ? c.account_id : req->account_id(),
          {req->username(), req->email()}, password));
    }
    ASSIGN_OR_RETURN(auto view, users_.Create(c, req->account_id(), in));
    if (!password.empty()) {
      absl::Status set = passwords_.SetByAdmin(c, req->account_id(), req->username(), password,
                                               req->password_change_required());
      if (!set.ok()) {
        // The password could not be stored after all (the caller may not
        // set passwords, the store failed): the user goes again.
        const bool removed = users_.Delete(c, req->account_id(), req->username()).ok();
        return absl::Status(set.code(),
                            absl::StrCat(removed ? "the user was not created: "
                                                 : "the user was created without a password: ",
                                         set.message()));
      }
    }
    ToProto(view, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetUser(grpc::ServerContext* ctx, const v1::GetUserRequest* req,
                                       v1::User* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto view,
                     users_.Get(c, req->account_id(), req->username(), req->reveal_pii()));
    ToProto(view, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListUsers(grpc::ServerContext* ctx, const v1::ListUsersRequest* req,
                                         v1::ListUsersResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto page, users_.List(c, req->account_id(), req->page_size(),
                                            req->page_token(), req->reveal_pii()));
    AppendAll(page.items, out->mutable_users());
    out->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::UpdateUser(grpc::ServerContext* ctx,
                                          const v1::UpdateUserRequest* req, v1::User* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    account::UserUpdate update;
    if (req->update_mask().paths_size() == 0) {
      return absl::InvalidArgumentError("update_mask: required");
    }
    for (const std::string& path : req->update_mask().paths()) {
      if (path == "display_name") {
        update.display_name = req->display_name();
      } else if (path == "email") {
        update.email = req->email();
      } else if (path == "phone") {
        update.phone = req->phone();
      } else if (path == "admin") {
        update.admin = req->admin();
      } else {
        return absl::InvalidArgumentError(
            "update_mask: unknown path (allowed: display_name, email, phone, admin)");
      }
    }
    ASSIGN_OR_RETURN(auto view, users_.Update(c, req->account_id(), req->username(), update));
    ToProto(view, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DisableUser(grpc::ServerContext* ctx,
                                           const v1::DisableUserRequest* req, v1::User* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto view,
                     users_.Disable(c, req->account_id(), req->username(), req->reason()));
    ToProto(view, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::EnableUser(grpc::ServerContext* ctx,
                                          const v1::EnableUserRequest* req, v1::User* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto view, users_.Enable(c, req->account_id(), req->username()));
    ToProto(view, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeleteUser(grpc::ServerContext* ctx,
                                          const v1::DeleteUserRequest* req,
                                          v1::DeleteUserResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return users_.Delete(c, req->account_id(), req->username());
  });
}

grpc::Status AdminServiceImpl::CreateGroup(grpc::ServerContext* ctx,
                                           const v1::CreateGroupRequest* req, v1::Group* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto row,
                     groups_.Create(c, req->account_id(), req->name(), req->description()));
    ToProto(row, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetGroup(grpc::ServerContext* ctx, const v1::GetGroupRequest* req,
                                        v1::Group* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto row, groups_.Get(c, req->account_id(), req->name()));
    ToProto(row, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListGroups(grpc::ServerContext* ctx,
                                          const v1::ListGroupsRequest* req,
                                          v1::ListGroupsResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto page,
                     groups_.List(c, req->account_id(), req->page_size(), req->page_token()));
    AppendAll(page.items, out->mutable_groups());
    out->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeleteGroup(grpc::ServerContext* ctx,
                                           const v1::DeleteGroupRequest* req,
                                           v1::DeleteGroupResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return groups_.Delete(c, req->account_id(), req->name());
  });
}

grpc::Status AdminServiceImpl::AddGroupMember(grpc::ServerContext* ctx,
                                              const v1::AddGroupMemberRequest* req,
                                              v1::AddGroupMemberResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return groups_.AddMember(c, req->account_id(), req->group(), req->username());
  });
}

grpc::Status AdminServiceImpl::RemoveGroupMember(grpc::ServerContext* ctx,
                                                 const v1::RemoveGroupMemberRequest* req,
                                                 v1::RemoveGroupMemberResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return groups_.RemoveMember(c, req->account_id(), req->group(), req->username());
  });
}

grpc::Status AdminServiceImpl::ListGroupMembers(grpc::ServerContext* ctx,
                                                const v1::ListGroupMembersRequest* req,
                                                v1::ListUsersResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto page, groups_.ListMembers(c, req->account_id(), req->group(),
                                                    req->page_size(), req->page_token()));
    AppendAll(page.items, out->mutable_users());
    out->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListUserGroups(grpc::ServerContext* ctx,
                                              const v1::ListUserGroupsRequest* req,
                                              v1::ListGroupsResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, groups_.ListUserGroups(c, req->account_id(), req->username()));
    AppendAll(rows, out->mutable_groups());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::CreateAccessKey(grpc::ServerContext* ctx,
                                               const v1::CreateAccessKeyRequest* req,
                                               v1::CreateAccessKeyResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    account::NewAccessKey in;
    in.username = req->username();
    in.description = req->description();
    if (req->has_expire_time()) {
      const auto& t = req->expire_time();
      if (t.seconds() < TimeUtil::kTimestampMinSeconds ||
          t.seconds() > TimeUtil::kTimestampMaxSeconds || t.nanos() < 0 || t.nanos() > 999999999) {
        return absl::InvalidArgumentError("expire_time: not a valid timestamp");
      }
      in.expires_at = absl::FromUnixMillis(TimeUtil::TimestampToMilliseconds(req->expire_time()));
    }
    in.allowed_cidrs.assign(req->allowed_cidrs().begin(), req->allowed_cidrs().end());
    ASSIGN_OR_RETURN(auto created, keys_.Create(c, req->account_id(), in));
    ToProto(created.key, out->mutable_key());
    out->set_token(created.token);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListAccessKeys(grpc::ServerContext* ctx,
                                              const v1::ListAccessKeysRequest* req,
                                              v1::ListAccessKeysResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto keys, keys_.List(c, req->account_id(), req->username()));
    AppendAll(keys, out->mutable_keys());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::RevokeAccessKey(grpc::ServerContext* ctx,
                                               const v1::RevokeAccessKeyRequest* req,
                                               v1::AccessKey* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto view, keys_.Revoke(c, req->account_id(), req->key_id()));
    ToProto(view, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetAccountPolicy(grpc::ServerContext* ctx,
                                                const v1::GetAccountPolicyRequest* req,
                                                v1::AccountPolicy* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auth::AccountPolicyKind kind, auth::ParseAccountPolicyKind(req->kind()));
    ASSIGN_OR_RETURN(nlohmann::json doc, auth_admin_.GetPolicy(c, req->account_id(), kind));
    out->set_account_id(req->account_id().empty() ? c.account_id : req->account_id());
    out->set_kind(req->kind());
    out->set_document(doc.dump());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::SetAccountPolicy(grpc::ServerContext* ctx,
                                                const v1::SetAccountPolicyRequest* req,
                                                v1::AccountPolicy* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auth::AccountPolicyKind kind, auth::ParseAccountPolicyKind(req->kind()));
    if (req->document().size() > 64 * 1024) {
      return absl::InvalidArgumentError("document: larger than 64 KiB");
    }
    ASSIGN_OR_RETURN(nlohmann::json doc, policy::ParseJson(req->document(), "document"));
    ASSIGN_OR_RETURN(nlohmann::json stored, auth_admin_.SetPolicy(c, req->account_id(), kind, doc));
    out->set_account_id(req->account_id().empty() ? c.account_id : req->account_id());
    out->set_kind(req->kind());
    out->set_document(stored.dump());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::SetUserPassword(grpc::ServerContext* ctx,
                                               const v1::SetUserPasswordRequest* req,
                                               v1::SetUserPasswordResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return passwords_.SetByAdmin(c, req->account_id(), req->username(), req->password(),
                                 !req->permanent());
  });
}

grpc::Status AdminServiceImpl::UnlockUser(grpc::ServerContext* ctx,
                                          const v1::UnlockUserRequest* req,
                                          v1::UnlockUserResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return auth_admin_.Unlock(c, req->account_id(), req->username());
  });
}

grpc::Status AdminServiceImpl::ResetUserMfa(grpc::ServerContext* ctx,
                                            const v1::ResetUserMfaRequest* req,
                                            v1::ResetUserMfaResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return mfa_->Reset(c, req->account_id(), req->username());
  });
}

grpc::Status AdminServiceImpl::ApproveDevice(grpc::ServerContext* ctx,
                                             const v1::ApproveDeviceRequest* req,
                                             v1::ApproveDeviceResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return devices_->Approve(c, req->account_id(), req->username(), req->device_id());
  });
}

grpc::Status AdminServiceImpl::GetUserIpAllowlist(grpc::ServerContext* ctx,
                                                  const v1::GetUserIpAllowlistRequest* req,
                                                  v1::UserIpAllowlist* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto cidrs,
                     auth_admin_.GetUserAllowlist(c, req->account_id(), req->username()));
    out->set_username(req->username());
    for (const auto& x : cidrs) out->add_cidrs(x);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::SetUserIpAllowlist(grpc::ServerContext* ctx,
                                                  const v1::SetUserIpAllowlistRequest* req,
                                                  v1::UserIpAllowlist* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    std::vector<std::string> in(req->cidrs().begin(), req->cidrs().end());
    ASSIGN_OR_RETURN(auto cidrs,
                     auth_admin_.SetUserAllowlist(c, req->account_id(), req->username(), in));
    out->set_username(req->username());
    for (const auto& x : cidrs) out->add_cidrs(x);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListLoginBlocks(grpc::ServerContext* ctx,
                                               const v1::ListLoginBlocksRequest* req,
                                               v1::ListLoginBlocksResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto blocks,
                     auth_admin_.ListBlocks(c, req->account_id(), req->include_sources()));
    for (const auto& b : blocks) BlockToProto(b, out->add_blocks());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ClearLoginBlock(grpc::ServerContext* ctx,
                                               const v1::ClearLoginBlockRequest* req,
                                               v1::ClearLoginBlockResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return auth_admin_.ClearSourceBlock(c, req->kind(), req->subject());
  });
}

grpc::Status AdminServiceImpl::BlockLoginSource(grpc::ServerContext* ctx,
                                                const v1::BlockLoginSourceRequest* req,
                                                v1::LoginBlock* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auth::LoginBlock b,
                     auth_admin_.BlockSource(c, req->kind(), req->subject(),
                                             req->duration_seconds(), req->reason()));
    BlockToProto(b, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::RevokeUserSessions(grpc::ServerContext* ctx,
                                                  const v1::RevokeUserSessionsRequest* req,
                                                  v1::RevokeUserSessionsResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(int n, sessions_->RevokeAllOfUser(c, req->account_id(), req->username()));
    out->set_revoked(n);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::RotateSigningKey(grpc::ServerContext* ctx,
                                                const v1::RotateSigningKeyRequest*,
                                                v1::RotateSigningKeyResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    account::Operation op{"sts:RotateSigningKey", c.account_id,
                          "arn:aws:iam::" + c.account_id + ":signing-key/*",
                          account::Touches::kAccountData};
    std::string kid;
    RETURN_IF_ERROR(mutations_.Run(c, op, [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
          if (!c.system_account) {
            return absl::PermissionDeniedError("signing keys are managed by system administrators");
          }
          ASSIGN_OR_RETURN(std::optional<token::Rotation> r,
                           signing_keys_->RotateIn(tx, /*force=*/true));
          kid = r->kid;
          record.Object("signing-key", r->kid);
          record.detail = {{"alg", r->alg}, {"retired", r->retired}, {"reason", "on command"}};
          return absl::OkStatus();
        }));
    RETURN_IF_ERROR(signing_keys_->Rotated(kid));
    out->set_kid(kid);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListSigningKeys(grpc::ServerContext* ctx,
                                               const v1::ListSigningKeysRequest*,
                                               v1::ListSigningKeysResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    RETURN_IF_ERROR(mutations_.Authorize(c, "sts:ListSigningKeys", c.account_id,
                                       "arn:aws:iam::" + c.account_id + ":signing-key/*"));
    ASSIGN_OR_RETURN(auto keys, signing_keys_->List());
    bool first_active = true;
    for (const auto& k : keys) {
      v1::SigningKey* p = out->add_keys();
      p->set_kid(k.kid);
      p->set_alg(k.alg);
      *p->mutable_create_time() = TimeUtil::MillisecondsToTimestamp(k.created_at);
      if (k.retired_at)
        *p->mutable_retire_time() = TimeUtil::MillisecondsToTimestamp(*k.retired_at);
      if (k.publish_until) {
        *p->mutable_publish_until() = TimeUtil::MillisecondsToTimestamp(*k.publish_until);
      }
      p->set_signing(!k.retired_at && first_active);
      if (!k.retired_at) first_active = false;
    }
    return absl::OkStatus();
  });
}

}  // namespace iam::server
