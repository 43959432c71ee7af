// Bad input on every AdminService RPC: each call below is refused with
// INVALID_ARGUMENT naming the field, and nothing is written.
#include <gtest/gtest.h>

#include <functional>

#include "iam/store/audit_store.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

using store::Backend;
using v1::AdminService;

const std::string kLong(5000, 'a');
const std::string kInjection = "x' OR '1'='1";
const std::string kControl = "bad\x01name";

class AdminBadInputTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    server_ = testing::TestServer::Start(testing::TestConfig(*t_), &clock_, &random_);
    ASSERT_NE(server_, nullptr);
    std::tie(acme_, alice_) = server_->CreateAccount("acme", "alice");
  }

  int64_t AuditHead() {
    int64_t seq = -1;
    EXPECT_TRUE(t_->db()
                    .Transact(store::TxMode::kRead,
                              [&](store::Tx& tx) -> absl::Status {
                                auto h = store::audit::GetHead(tx, acme_);
                                if (!h.ok()) return h.status();
                                seq = h->seq;
                                return absl::OkStatus();
                              })
                    .ok());
    return seq;
  }

  template <typename Req, typename Resp>
  void Expect(const char* rpc, grpc::Status (AdminService::Stub::*m)(grpc::ClientContext*,
                                                                      const Req&, Resp*),
              const Req& req, const std::string& field) {
    Resp resp;
    grpc::Status s = server_->Call(token_for_(rpc), m, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << rpc << ": " << s.error_message();
    EXPECT_EQ(s.error_message().rfind(field, 0), 0u) << rpc << ": " << s.error_message();
  }

  std::function<std::string(const char*)> token_for_ = [this](const char* rpc) {
    return std::string(rpc).find("Account") != std::string::npos ? server_->root_token() : alice_;
  };

  std::unique_ptr<testing::TestDatabase> t_;
  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestServer> server_;
  std::string acme_, alice_;
};

TEST_P(AdminBadInputTest, EveryRpcNamesTheBadField) {
  const int64_t before = AuditHead();
  for (const std::string& bad_name : {std::string(), kLong, kInjection, kControl}) {
    { v1::CreateUserRequest q; q.set_username(bad_name);
      Expect("CreateUser", &AdminService::Stub::CreateUser, q, "username"); }
    { v1::GetUserRequest q; q.set_username(bad_name);
      Expect("GetUser", &AdminService::Stub::GetUser, q, "username"); }
    { v1::UpdateUserRequest q; q.set_username(bad_name); q.mutable_update_mask()->add_paths("display_name");
      Expect("UpdateUser", &AdminService::Stub::UpdateUser, q, "username"); }
    { v1::DisableUserRequest q; q.set_username(bad_name);
      Expect("DisableUser", &AdminService::Stub::DisableUser, q, "username"); }
    { v1::EnableUserRequest q; q.set_username(bad_name);
      Expect("EnableUser", &AdminService::Stub::EnableUser, q, "username"); }
    { v1::DeleteUserRequest q; q.set_username(bad_name);
      Expect("DeleteUser", &AdminService::Stub::DeleteUser, q, "username"); }
    { v1::CreateGroupRequest q; q.set_name(bad_name);
      Expect("CreateGroup", &AdminService::Stub::CreateGroup, q, "name"); }
    { v1::GetGroupRequest q; q.set_name(bad_name);
      Expect("GetGroup", &AdminService::Stub::GetGroup, q, "name"); }
    { v1::DeleteGroupRequest q; q.set_name(bad_name);
      Expect("DeleteGroup", &AdminService::Stub::DeleteGroup, q, "name"); }
    { v1::AddGroupMemberRequest q; q.set_group(bad_name); q.set_username("alice");
      Expect("AddGroupMember", &AdminService::Stub::AddGroupMember, q, "name"); }
    { v1::AddGroupMemberRequest q; q.set_group("g"); q.set_username(bad_name);
      Expect("AddGroupMember", &AdminService::Stub::AddGroupMember, q, "username"); }
    { v1::RemoveGroupMemberRequest q; q.set_group(bad_name); q.set_username("alice");
      Expect("RemoveGroupMember", &AdminService::Stub::RemoveGroupMember, q, "name"); }
    { v1::ListGroupMembersRequest q; q.set_group(bad_name);
      Expect("ListGroupMembers", &AdminService::Stub::ListGroupMembers, q, "name"); }
    { v1::ListUserGroupsRequest q; q.set_username(bad_name);
      Expect("ListUserGroups", &AdminService::Stub::ListUserGroups, q, "username"); }
    { v1::CreateAccessKeyRequest q; q.set_username(bad_name);
      Expect("CreateAccessKey", &AdminService::Stub::CreateAccessKey, q, "username"); }
    { v1::RevokeAccessKeyRequest q; q.set_key_id(bad_name);
      Expect("RevokeAccessKey", &AdminService::Stub::RevokeAccessKey, q, "key_id"); }
    { v1::CreateAccountRequest q; q.set_name(bad_name);
      Expect("CreateAccount", &AdminService::Stub::CreateAccount, q, "name"); }
    { v1::CreateAccountRequest q; q.set_name("fine-name"); q.set_admin_username(bad_name.empty() ? "a b" : bad_name);
      Expect("CreateAccount", &AdminService::Stub::CreateAccount, q, "admin_username"); }
  }
  for (const std::string& bad_account : {std::string("12345"), kInjection, std::string(13, '1')}) {
    { v1::GetAccountRequest q; q.set_account_id(bad_account);
      Expect("GetAccount", &AdminService::Stub::GetAccount, q, "account_id"); }
    { v1::SuspendAccountRequest q; q.set_account_id(bad_account);
      Expect("SuspendAccount", &AdminService::Stub::SuspendAccount, q, "account_id"); }
    { v1::ReactivateAccountRequest q; q.set_account_id(bad_account);
      Expect("ReactivateAccount", &AdminService::Stub::ReactivateAccount, q, "account_id"); }
    { v1::CloseAccountRequest q; q.set_account_id(bad_account);
      Expect("CloseAccount", &AdminService::Stub::CloseAccount, q, "account_id"); }
    { v1::ListUsersRequest q; q.set_account_id(bad_account);
      Expect("ListUsers", &AdminService::Stub::ListUsers, q, "account_id"); }
    { v1::ListGroupsRequest q; q.set_account_id(bad_account);
      Expect("ListGroups", &AdminService::Stub::ListGroups, q, "account_id"); }
    { v1::ListAccessKeysRequest q; q.set_account_id(bad_account);
      Expect("ListAccessKeys", &AdminService::Stub::ListAccessKeys, q, "account_id"); }
  }
  { v1::ListAccountsRequest q; q.set_page_size(-1);
    Expect("ListAccounts", &AdminService::Stub::ListAccounts, q, "page_size"); }
  { v1::ListAccountsRequest q; q.set_page_token(kInjection);
    Expect("ListAccounts", &AdminService::Stub::ListAccounts, q, "page_token"); }
  { v1::ListGroupsRequest q; q.set_page_size(1001);
    Expect("ListGroups", &AdminService::Stub::ListGroups, q, "page_size"); }
  // A token from one listing is refused by another.
  { v1::ListUsersRequest lu; lu.set_page_size(1); v1::ListUsersResponse page;
    v1::CreateUserRequest cu; cu.set_username("zed"); v1::User u;
    ASSERT_TRUE(server_->Call(alice_, &AdminService::Stub::CreateUser, cu, &u).ok());
    ASSERT_TRUE(server_->Call(alice_, &AdminService::Stub::ListUsers, lu, &page).ok());
    ASSERT_FALSE(page.next_page_token().empty());
    v1::ListGroupsRequest q; q.set_page_token(page.next_page_token());
    Expect("ListGroups", &AdminService::Stub::ListGroups, q, "page_token"); }
  { v1::CreateUserRequest q; q.set_username("ok"); q.set_display_name(kLong);
    Expect("CreateUser", &AdminService::Stub::CreateUser, q, "display_name"); }
  { v1::CreateUserRequest q; q.set_username("ok"); q.set_email("<script>@x.com");
    Expect("CreateUser", &AdminService::Stub::CreateUser, q, "email"); }
  { v1::CreateUserRequest q; q.set_username("ok"); q.set_phone(kInjection);
    Expect("CreateUser", &AdminService::Stub::CreateUser, q, "phone"); }
  { v1::UpdateUserRequest q; q.set_username("alice");
    Expect("UpdateUser", &AdminService::Stub::UpdateUser, q, "update_mask"); }
  { v1::UpdateUserRequest q; q.set_username("alice"); q.mutable_update_mask()->add_paths("email");
    q.set_email("nope");
    Expect("UpdateUser", &AdminService::Stub::UpdateUser, q, "email"); }
  { v1::DisableUserRequest q; q.set_username("zed"); q.set_reason(kControl);
    Expect("DisableUser", &AdminService::Stub::DisableUser, q, "reason"); }
  { v1::CreateGroupRequest q; q.set_name("g"); q.set_description(kLong);
    Expect("CreateGroup", &AdminService::Stub::CreateGroup, q, "description"); }
  { v1::CreateAccessKeyRequest q; q.set_username("alice"); q.add_allowed_cidrs("10.0.0.0/8");
    q.add_allowed_cidrs(kInjection);
    Expect("CreateAccessKey", &AdminService::Stub::CreateAccessKey, q, "allowed_cidrs[1]"); }
  { v1::CreateAccessKeyRequest q; q.set_username("alice");
    for (int i = 0; i < 33; ++i) q.add_allowed_cidrs("10.0.0.0/8");
    Expect("CreateAccessKey", &AdminService::Stub::CreateAccessKey, q, "allowed_cidrs"); }
  { v1::CreateAccessKeyRequest q; q.set_username("alice");
    q.mutable_expire_time()->set_seconds(absl::ToUnixSeconds(clock_.Now()) - 1);
    Expect("CreateAccessKey", &AdminService::Stub::CreateAccessKey, q, "expire_time"); }
  { v1::CreateAccessKeyRequest q; q.set_username("alice");
    q.mutable_expire_time()->set_seconds(int64_t{1} << 50);
    Expect("CreateAccessKey", &AdminService::Stub::CreateAccessKey, q, "expire_time"); }
  { v1::CreateAccountRequest q; q.set_name("fine-name"); q.set_display_name(kControl);
    Expect("CreateAccount", &AdminService::Stub::CreateAccount, q, "display_name"); }
  { v1::CloseAccountRequest q; q.set_account_id(acme_); q.set_reason(kLong);
    Expect("CloseAccount", &AdminService::Stub::CloseAccount, q, "reason"); }
  // Only "zed" was created on purpose above; nothing else was written.
  EXPECT_EQ(AuditHead(), before + 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AdminBadInputTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
