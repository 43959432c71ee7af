// End to end through a real gRPC server on a loopback port, on both stores:
// authentication, tenant isolation of every RPC, bad input.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <functional>

#include "iam/server/iam_server.h"
#include "iam/store/audit_store.h"
#include "iam/v1/admin_service.grpc.pb.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"
#include "tests/support/server_test.h"

namespace iam::e2e {
namespace {

using store::Backend;
using v1::AdminService;

class AdminE2eTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    std::tie(globex_, gina_) = server_->CreateAccount("globex", "gina");
  }

  template <typename Req, typename Resp, typename Method>
  grpc::Status Call(const std::string& token, Method m, const Req& req, Resp* resp) {
    return server_->Call(token, m, req, resp);
  }

  std::string globex_, gina_;
};

TEST_P(AdminE2eTest, UserGroupLifecycleWithMaskedPersonalData) {
  v1::CreateUserRequest cu;
  cu.set_username("bob");
  cu.set_email("bob@example.com");
  cu.set_phone("13812341234");
  v1::User u;
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::CreateUser, cu, &u).ok());
  EXPECT_EQ(u.email(), "b***@example.com");
  EXPECT_EQ(u.phone(), "138****1234");
  EXPECT_EQ(u.arn(), "arn:aws:iam::" + acme_ + ":user/bob");
  v1::CreateGroupRequest cg;
  cg.set_name("devs");
  v1::Group g;
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::CreateGroup, cg, &g).ok());
  v1::AddGroupMemberRequest am;
  am.set_group("devs");
  am.set_username("bob");
  v1::AddGroupMemberResponse amr;
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::AddGroupMember, am, &amr).ok());
  EXPECT_EQ(Call(alice_, &AdminService::Stub::AddGroupMember, am, &amr).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  v1::ListUserGroupsRequest lg;
  lg.set_username("bob");
  v1::ListGroupsResponse groups;
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::ListUserGroups, lg, &groups).ok());
  ASSERT_EQ(groups.groups_size(), 1);
  EXPECT_EQ(groups.groups(0).name(), "devs");
  v1::GetUserRequest gu;
  gu.set_username("bob");
  gu.set_reveal_pii(true);
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::GetUser, gu, &u).ok());
  EXPECT_EQ(u.email(), "bob@example.com");
}

TEST_P(AdminE2eTest, ListsArePaged) {
  for (int i = 0; i < 7; ++i) {
    v1::CreateUserRequest cu;
    cu.set_username("user" + std::to_string(i));
    v1::User u;
    ASSERT_TRUE(Call(alice_, &AdminService::Stub::CreateUser, cu, &u).ok());
  }
  v1::ListUsersRequest lu;
  lu.set_page_size(3);
  std::vector<std::string> seen;
  do {
    v1::ListUsersResponse page;
    ASSERT_TRUE(Call(alice_, &AdminService::Stub::ListUsers, lu, &page).ok());
    EXPECT_LE(page.users_size(), 3);
    for (const auto& u : page.users()) seen.push_back(u.username());
    lu.set_page_token(page.next_page_token());
  } while (!lu.page_token().empty());
  EXPECT_EQ(seen.size(), 8u);  // alice + 7
  lu.set_page_token("not-a-token");
  v1::ListUsersResponse r;
  EXPECT_EQ(Call(alice_, &AdminService::Stub::ListUsers, lu, &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  lu.set_page_token("");
  lu.set_page_size(100000);
  EXPECT_EQ(Call(alice_, &AdminService::Stub::ListUsers, lu, &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(AdminE2eTest, BadCredentialsAreUnauthenticated) {
  v1::GetCallerIdentityRequest q;
  v1::GetCallerIdentityResponse r;
  auto code = [&](const std::string& token) {
    return Call(token, &AdminService::Stub::GetCallerIdentity, q, &r).error_code();
  };
  EXPECT_EQ(code(alice_), grpc::StatusCode::OK);
  EXPECT_EQ(code(""), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code("garbage"), grpc::StatusCode::UNAUTHENTICATED);
  std::string tampered = alice_;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';  // always a different secret
  EXPECT_EQ(code(tampered), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code("AKIAAAAAAAAAAAAAAAAA.' OR 1=1 --aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(code(std::string(4000, 'A')), grpc::StatusCode::UNAUTHENTICATED);

  // Expired, revoked and out-of-network keys.
  v1::CreateAccessKeyRequest ck;
  ck.set_username("alice");
  ck.mutable_expire_time()->set_seconds(absl::ToUnixSeconds(clock_.Now()) + 60);
  v1::CreateAccessKeyResponse expiring;
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::CreateAccessKey, ck, &expiring).ok());
  EXPECT_EQ(code(expiring.token()), grpc::StatusCode::OK);
  clock_.Advance(absl::Minutes(2));
  EXPECT_EQ(code(expiring.token()), grpc::StatusCode::UNAUTHENTICATED);
  v1::RevokeAccessKeyRequest rk;
  rk.set_key_id(expiring.key().id());
  v1::AccessKey k;
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::RevokeAccessKey, rk, &k).ok());

  v1::CreateAccessKeyRequest far;
  far.set_username("alice");
  far.add_allowed_cidrs("203.0.113.0/24");
  v1::CreateAccessKeyResponse elsewhere;
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::CreateAccessKey, far, &elsewhere).ok());
  EXPECT_EQ(code(elsewhere.token()), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::RevokeAccessKey,
                   [&] { v1::RevokeAccessKeyRequest r2; r2.set_key_id(elsewhere.key().id()); return r2; }(),
                   &k).ok());
  EXPECT_EQ(code(elsewhere.token()), grpc::StatusCode::UNAUTHENTICATED);

  v1::CreateAccessKeyRequest bad_cidr;
  bad_cidr.set_username("alice");
  bad_cidr.add_allowed_cidrs("10.0.0.0/99");
  v1::CreateAccessKeyResponse none;
  EXPECT_EQ(Call(alice_, &AdminService::Stub::CreateAccessKey, bad_cidr, &none).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Last, as it costs the connection: an oversized header is cut off by the
  // transport's metadata limit before any handler runs.
  EXPECT_EQ(code(std::string(100000, 'A')), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

// Every RPC that names an account: globex's admin gets NOT_FOUND for acme,
// and acme is left unchanged.
TEST_P(AdminE2eTest, EveryRpcIsolatesTenants) {
  auto check = [&](const char* name, grpc::Status s) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << name << ": " << s.error_message();
  };
  const std::string a = acme_;
  { v1::GetAccountRequest q; q.set_account_id(a); v1::Account r;
    check("GetAccount", Call(gina_, &AdminService::Stub::GetAccount, q, &r)); }
  { v1::SuspendAccountRequest q; q.set_account_id(a); v1::Account r;
    check("SuspendAccount", Call(gina_, &AdminService::Stub::SuspendAccount, q, &r)); }
  { v1::ReactivateAccountRequest q; q.set_account_id(a); v1::Account r;
    check("ReactivateAccount", Call(gina_, &AdminService::Stub::ReactivateAccount, q, &r)); }
  { v1::CloseAccountRequest q; q.set_account_id(a); v1::Account r;
    check("CloseAccount", Call(gina_, &AdminService::Stub::CloseAccount, q, &r)); }
  { v1::CreateUserRequest q; q.set_account_id(a); q.set_username("mallory"); v1::User r;
    check("CreateUser", Call(gina_, &AdminService::Stub::CreateUser, q, &r)); }
  { v1::GetUserRequest q; q.set_account_id(a); q.set_username("alice"); v1::User r;
    check("GetUser", Call(gina_, &AdminService::Stub::GetUser, q, &r)); }
  { v1::ListUsersRequest q; q.set_account_id(a); v1::ListUsersResponse r;
    check("ListUsers", Call(gina_, &AdminService::Stub::ListUsers, q, &r)); }
  { v1::UpdateUserRequest q; q.set_account_id(a); q.set_username("alice");
    q.mutable_update_mask()->add_paths("display_name"); v1::User r;
    check("UpdateUser", Call(gina_, &AdminService::Stub::UpdateUser, q, &r)); }
  { v1::DisableUserRequest q; q.set_account_id(a); q.set_username("alice"); v1::User r;
    check("DisableUser", Call(gina_, &AdminService::Stub::DisableUser, q, &r)); }
  { v1::EnableUserRequest q; q.set_account_id(a); q.set_username("alice"); v1::User r;
    check("EnableUser", Call(gina_, &AdminService::Stub::EnableUser, q, &r)); }
  { v1::DeleteUserRequest q; q.set_account_id(a); q.set_username("alice"); v1::DeleteUserResponse r;
    check("DeleteUser", Call(gina_, &AdminService::Stub::DeleteUser, q, &r)); }
  { v1::CreateGroupRequest q; q.set_account_id(a); q.set_name("g"); v1::Group r;
    check("CreateGroup", Call(gina_, &AdminService::Stub::CreateGroup, q, &r)); }
  { v1::GetGroupRequest q; q.set_account_id(a); q.set_name("g"); v1::Group r;
    check("GetGroup", Call(gina_, &AdminService::Stub::GetGroup, q, &r)); }
  { v1::ListGroupsRequest q; q.set_account_id(a); v1::ListGroupsResponse r;
    check("ListGroups", Call(gina_, &AdminService::Stub::ListGroups, q, &r)); }
  { v1::DeleteGroupRequest q; q.set_account_id(a); q.set_name("g"); v1::DeleteGroupResponse r;
    check("DeleteGroup", Call(gina_, &AdminService::Stub::DeleteGroup, q, &r)); }
  { v1::AddGroupMemberRequest q; q.set_account_id(a); q.set_group("g"); q.set_username("alice");
    v1::AddGroupMemberResponse r;
    check("AddGroupMember", Call(gina_, &AdminService::Stub::AddGroupMember, q, &r)); }
  { v1::RemoveGroupMemberRequest q; q.set_account_id(a); q.set_group("g"); q.set_username("alice");
    v1::RemoveGroupMemberResponse r;
    check("RemoveGroupMember", Call(gina_, &AdminService::Stub::RemoveGroupMember, q, &r)); }
  { v1::ListGroupMembersRequest q; q.set_account_id(a); q.set_group("g"); v1::ListUsersResponse r;
    check("ListGroupMembers", Call(gina_, &AdminService::Stub::ListGroupMembers, q, &r)); }
  { v1::ListUserGroupsRequest q; q.set_account_id(a); q.set_username("alice"); v1::ListGroupsResponse r;
    check("ListUserGroups", Call(gina_, &AdminService::Stub::ListUserGroups, q, &r)); }
  { v1::CreateAccessKeyRequest q; q.set_account_id(a); q.set_username("alice");
    v1::CreateAccessKeyResponse r;
    check("CreateAccessKey", Call(gina_, &AdminService::Stub::CreateAccessKey, q, &r)); }
  { v1::ListAccessKeysRequest q; q.set_account_id(a); v1::ListAccessKeysResponse r;
    check("ListAccessKeys", Call(gina_, &AdminService::Stub::ListAccessKeys, q, &r)); }
  { v1::RevokeAccessKeyRequest q; q.set_account_id(a); q.set_key_id(alice_.substr(0, 20));
    v1::AccessKey r;
    check("RevokeAccessKey", Call(gina_, &AdminService::Stub::RevokeAccessKey, q, &r)); }
  // Even a key id of acme's, named under globex's own account, is not found.
  { v1::RevokeAccessKeyRequest q; q.set_key_id(alice_.substr(0, 20)); v1::AccessKey r;
    check("RevokeAccessKey(own account)", Call(gina_, &AdminService::Stub::RevokeAccessKey, q, &r)); }
  // Each refusal is in globex's own audit chain, none in acme's.
  auto records = [&](const std::string& account) {
    std::vector<store::AuditRow> rows;
    EXPECT_TRUE(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      auto r = store::audit::ListAscending(tx, account, 0, 1000);
      if (!r.ok()) return r.status();
      rows = *r;
      return absl::OkStatus();
    }).ok());
    return rows;
  };
  int denied = 0;
  for (const auto& r : records(globex_)) {
    if (r.result == "denied") {
      ++denied;
      EXPECT_EQ(r.actor, "arn:aws:iam::" + globex_ + ":user/gina");
    }
  }
  EXPECT_EQ(denied, 22);  // every call above but the own-account revoke, which is not a refusal
  for (const auto& r : records(acme_)) EXPECT_NE(r.result, "denied") << r.action;
  // acme is untouched: alice still works and is still active.
  v1::GetUserRequest q;
  q.set_username("alice");
  v1::User alice;
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::GetUser, q, &alice).ok());
  EXPECT_EQ(alice.state(), v1::USER_STATE_ACTIVE);
  // Only system admins manage accounts.
  v1::ListAccountsRequest la;
  v1::ListAccountsResponse lr;
  EXPECT_EQ(Call(gina_, &AdminService::Stub::ListAccounts, la, &lr).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CreateAccountRequest ca;
  ca.set_name("evil");
  v1::CreateAccountResponse cr;
  EXPECT_EQ(Call(gina_, &AdminService::Stub::CreateAccount, ca, &cr).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(AdminE2eTest, BadInputIsRefusedWithTheFieldNamedAndNothingWritten) {
  struct Case {
    std::string username, display_name, email, phone;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"", "", "", "", "username"},
      {std::string(65, 'a'), "", "", "", "username"},
      {"bob'; DROP TABLE users;--", "", "", "", "username"},
      {"bob", std::string(300, 'x'), "", "", "display_name"},
      {"bob", "tab\there", "", "", "display_name"},
      {"bob", "", "not-an-email", "", "email"},
      {"bob", "", "", "call me", "phone"},
  };
  for (const Case& c : cases) {
    v1::CreateUserRequest q;
    q.set_username(c.username);
    q.set_display_name(c.display_name);
    q.set_email(c.email);
    q.set_phone(c.phone);
    v1::User u;
    grpc::Status s = Call(alice_, &AdminService::Stub::CreateUser, q, &u);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(s.error_message().rfind(c.field, 0), 0u) << s.error_message();
  }
  // Invalid UTF-8 never reaches a handler: the wire layer refuses it.
  v1::CreateUserRequest q;
  q.set_username("bob");
  q.set_display_name("bad \xff\xfe");
  v1::User u;
  EXPECT_FALSE(Call(alice_, &AdminService::Stub::CreateUser, q, &u).ok());
  // Unknown ids, malformed account ids, unknown update paths.
  v1::GetUserRequest gu;
  gu.set_username("nobody");
  EXPECT_EQ(Call(alice_, &AdminService::Stub::GetUser, gu, &u).error_code(),
            grpc::StatusCode::NOT_FOUND);
  gu.set_account_id("12345");
  EXPECT_EQ(Call(alice_, &AdminService::Stub::GetUser, gu, &u).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::UpdateUserRequest up;
  up.set_username("alice");
  up.mutable_update_mask()->add_paths("password");
  EXPECT_EQ(Call(alice_, &AdminService::Stub::UpdateUser, up, &u).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::CreateAccountRequest ca;
  ca.set_name("Bad Name!");
  v1::CreateAccountResponse cr;
  EXPECT_EQ(Call(root_, &AdminService::Stub::CreateAccount, ca, &cr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ca.set_name("acme");
  EXPECT_EQ(Call(root_, &AdminService::Stub::CreateAccount, ca, &cr).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // A message over the size limit is refused by the server.
  v1::CreateGroupRequest big;
  big.set_name("g");
  big.set_description(std::string(5 * 1024 * 1024, 'x'));
  v1::Group g;
  EXPECT_EQ(Call(alice_, &AdminService::Stub::CreateGroup, big, &g).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Nothing of the above was written: the account still has only alice.
  v1::ListUsersRequest lu;
  v1::ListUsersResponse lr;
  ASSERT_TRUE(Call(alice_, &AdminService::Stub::ListUsers, lu, &lr).ok());
  EXPECT_EQ(lr.users_size(), 1);
}

TEST_P(AdminE2eTest, SuspendedAccountsCannotAuthenticate) {
  v1::SuspendAccountRequest s;
  s.set_account_id(acme_);
  v1::Account a;
  ASSERT_TRUE(Call(root_, &AdminService::Stub::SuspendAccount, s, &a).ok());
  EXPECT_EQ(a.state(), v1::ACCOUNT_STATE_SUSPENDED);
  v1::GetCallerIdentityRequest q;
  v1::GetCallerIdentityResponse r;
  EXPECT_EQ(Call(alice_, &AdminService::Stub::GetCallerIdentity, q, &r).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::ReactivateAccountRequest re;
  re.set_account_id(acme_);
  ASSERT_TRUE(Call(root_, &AdminService::Stub::ReactivateAccount, re, &a).ok());
  EXPECT_TRUE(Call(alice_, &AdminService::Stub::GetCallerIdentity, q, &r).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, AdminE2eTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
