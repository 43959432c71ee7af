// Authorization end to end through a real gRPC server, on both stores:
// every grant path (user, group, role, temporary role, resource policy,
// ACL, cross-account), explicit deny, boundaries, separation of duties,
// MFA and IP conditions, versions, bad documents, BatchCheck limits and
// the admin API's own authorization by policies.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <liboath/oath.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "iam/mfa/totp.h"
#include "tests/support/rpc_matchers.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

using store::Backend;
using ::testing::HasSubstr;
using v1::AdminService;
using v1::AuthService;
using v1::AuthzService;

constexpr char kPassword[] = "blue-harbour-lantern";

std::string Allow(const std::string& action, const std::string& resource,
                  const nlohmann::json& condition = nullptr) {
  nlohmann::json st = {{"Effect", "Allow"}, {"Action", action}, {"Resource", resource}};
  if (!condition.is_null()) st["Condition"] = condition;
  return nlohmann::json{{"Version", "2012-10-17"}, {"Statement", {st}}}.dump();
}

std::string Deny(const std::string& action, const std::string& resource) {
  return nlohmann::json{
      {"Version", "2012-10-17"},
      {"Statement", {{{"Effect", "Deny"}, {"Action", action}, {"Resource", resource}}}}}
      .dump();
}

v1::PrincipalName P(v1::PrincipalName::Type type, const std::string& name) {
  v1::PrincipalName p;
  p.set_type(type);
  p.set_name(name);
  return p;
}

class AuthzE2eTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    config_ = testing::TestConfig(*t_);
    config_.trusted_proxies = "127.0.0.0/8,::1/128";
    server_ = testing::TestServer::Start(config_, &clock_, &random_);
    ASSERT_NE(server_, nullptr);
    std::tie(acme_, alice_) = server_->CreateAccount("acme", "alice");
    CreateUser("bob");
  }

  void CreateUser(const std::string& name, const std::string& token = "") {
    v1::CreateUserRequest r;
    r.set_username(name);
    v1::User u;
    ASSERT_RPC_OK(
        server_->Call(token.empty() ? alice_ : token, &AdminService::Stub::CreateUser, r, &u));
    v1::SetUserPasswordRequest p;
    p.set_username(name);
    p.set_password(kPassword);
    p.set_permanent(true);
    v1::SetUserPasswordResponse pr;
    ASSERT_RPC_OK(server_->Call(token.empty() ? alice_ : token,
                                &AdminService::Stub::SetUserPassword, p, &pr));
  }

  grpc::Status CreatePolicy(const std::string& name, const std::string& doc,
                            const std::string& token = "") {
    v1::CreatePolicyRequest r;
    r.set_name(name);
    r.set_document(doc);
    v1::ManagedPolicy out;
    return server_->Call(token.empty() ? alice_ : token, &AdminService::Stub::CreatePolicy, r,
                         &out);
  }

  grpc::Status Attach(const std::string& policy, const v1::PrincipalName& p,
                      const std::string& token = "") {
    v1::AttachPolicyRequest r;
    r.set_policy(policy);
    *r.mutable_principal() = p;
    v1::AttachPolicyResponse out;
    return server_->Call(token.empty() ? alice_ : token, &AdminService::Stub::AttachPolicy, r,
                         &out);
  }

  grpc::Status PutInline(const v1::PrincipalName& p, const std::string& name,
                         const std::string& doc) {
    v1::InlinePolicyRequest r;
    *r.mutable_principal() = p;
    r.set_policy_name(name);
    r.set_document(doc);
    v1::InlinePolicyResponse out;
    return server_->Call(alice_, &AdminService::Stub::PutInlinePolicy, r, &out);
  }

  v1::CheckRequest Req(const std::string& user, const std::string& action,
                       const std::string& resource, const std::string& account = "") {
    v1::CheckRequest r;
    r.mutable_principal()->set_username(user);
    r.mutable_principal()->set_account_id(account);
    r.set_action(action);
    r.set_resource(resource);
    return r;
  }

  v1::Decision Decide(const v1::CheckRequest& r, const std::string& token = "") {
    v1::CheckResponse out;
    grpc::Status s =
        server_->CallAuthz(token.empty() ? alice_ : token, &AuthzService::Stub::Check, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    last_ = out;
    return out.decision();
  }

  v1::Decision Decide(const std::string& user, const std::string& action,
                      const std::string& resource) {
    return Decide(Req(user, action, resource));
  }

  std::string LoginToken(const std::string& user, const std::string& account = "acme") {
    v1::LoginRequest r;
    r.set_account(account);
    r.set_username(user);
    r.set_password(kPassword);
    r.set_device_id("dev-1");
    r.set_client_ip("10.1.1.1");
    v1::LoginResponse resp;
    grpc::Status s = server_->CallAuth("", &AuthService::Stub::Login, r, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.tokens().access_token();
  }

  std::unique_ptr<testing::TestDatabase> t_;
  Config config_;
  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestServer> server_;
  std::string acme_, alice_;
  v1::CheckResponse last_;
};

TEST_P(AuthzE2eTest, DefaultDenyThenUserPolicyAllows) {
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::photos/a.jpg"), v1::IMPLICIT_DENY);
  ASSERT_RPC_OK(CreatePolicy("ReadPhotos", Allow("s3:GetObject", "arn:aws:s3:::photos/*")));
  ASSERT_RPC_OK(Attach("ReadPhotos", P(v1::PrincipalName::USER, "bob")));
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::photos/a.jpg"), v1::ALLOW);
  EXPECT_TRUE(last_.allowed());
  EXPECT_THAT(last_.reasons(0), HasSubstr("policy/ReadPhotos@v1.Statement[0]"));
  EXPECT_EQ(last_.principal_arn(), "arn:aws:iam::" + acme_ + ":user/bob");
  EXPECT_EQ(Decide("bob", "s3:PutObject", "arn:aws:s3:::photos/a.jpg"), v1::IMPLICIT_DENY);
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::other/a.jpg"), v1::IMPLICIT_DENY);
  // The same through the user's own access token.
  const std::string token = LoginToken("bob");
  v1::CheckRequest r;
  r.set_token(token);
  r.set_action("s3:GetObject");
  r.set_resource("arn:aws:s3:::photos/b.jpg");
  EXPECT_EQ(Decide(r), v1::ALLOW);
  r.set_token(token + "x");
  EXPECT_EQ(Decide(r), v1::IMPLICIT_DENY);
  EXPECT_THAT(last_.reasons(0), HasSubstr("token is invalid"));
}

// BinaryEquals: the policy holds base64; a request value is the bytes
// themselves (text), or base64 when the entry says so (bytes that are not
// text).
TEST_P(AuthzE2eTest, BinaryConditionsCompareBytes) {
  ASSERT_RPC_OK(CreatePolicy(
      "Signed", Allow("s3:GetObject", "*", {{"BinaryEquals", {{"s3:x-amz-meta-tag", "AP8Qgg=="}}}})));
  ASSERT_RPC_OK(CreatePolicy(
      "Named", Allow("s3:PutObject", "*",
                     {{"BinaryEquals", {{"s3:x-amz-meta-tag", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}}})));
  ASSERT_RPC_OK(Attach("Signed", P(v1::PrincipalName::USER, "bob")));
  ASSERT_RPC_OK(Attach("Named", P(v1::PrincipalName::USER, "bob")));
  auto with = [&](const std::string& action, const std::string& value, bool base64) {
    v1::CheckRequest r = Req("bob", action, "arn:aws:s3:::photos/a.jpg");
    auto* e = r.add_context();
    e->set_key("s3:x-amz-meta-tag");
    e->add_values(value);
    e->set_base64(base64);
    return r;
  };
  EXPECT_EQ(Decide(with("s3:PutObject", "BinaryValueInBase64", false)), v1::ALLOW);
  EXPECT_EQ(Decide(with("s3:PutObject", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", false)),
            v1::IMPLICIT_DENY);  // the base64 text is not the bytes
  EXPECT_EQ(Decide(with("s3:PutObject", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", true)), v1::ALLOW);
  EXPECT_EQ(Decide(with("s3:GetObject", "AP8Qgg==", true)), v1::ALLOW);
  EXPECT_EQ(Decide(with("s3:GetObject", "AP8Qgw==", true)), v1::IMPLICIT_DENY);
  v1::CheckResponse out;
  grpc::Status bad = server_->CallAuthz(alice_, &AuthzService::Stub::Check,
                                        with("s3:GetObject", "not base64!", true), &out);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("context[0].values[0]: not base64"));
}

TEST_P(AuthzE2eTest, GroupPolicyAndInlinePolicies) {
  v1::CreateGroupRequest g;
  g.set_name("devs");
  v1::Group group;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateGroup, g, &group));
  ASSERT_RPC_OK(PutInline(P(v1::PrincipalName::GROUP, "devs"), "Builds",
                          Allow("ci:StartBuild", "arn:aws:ci:::project/*")));
  EXPECT_EQ(Decide("bob", "ci:StartBuild", "arn:aws:ci:::project/web"), v1::IMPLICIT_DENY);
  v1::AddGroupMemberRequest m;
  m.set_group("devs");
  m.set_username("bob");
  v1::AddGroupMemberResponse mr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AddGroupMember, m, &mr));
  EXPECT_EQ(Decide("bob", "ci:StartBuild", "arn:aws:ci:::project/web"), v1::ALLOW);
  EXPECT_THAT(last_.reasons(0), HasSubstr("group/devs/inline/Builds"));
  // An inline policy on the user, and its removal.
  ASSERT_RPC_OK(PutInline(P(v1::PrincipalName::USER, "bob"), "Own", Allow("ci:StopBuild", "*")));
  EXPECT_EQ(Decide("bob", "ci:StopBuild", "arn:aws:ci:::project/web"), v1::ALLOW);
  v1::InlinePolicyRequest d;
  *d.mutable_principal() = P(v1::PrincipalName::USER, "bob");
  d.set_policy_name("Own");
  v1::InlinePolicyResponse dr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::DeleteInlinePolicy, d, &dr));
  EXPECT_EQ(Decide("bob", "ci:StopBuild", "arn:aws:ci:::project/web"), v1::IMPLICIT_DENY);
  v1::RemoveGroupMemberRequest rm;
  rm.set_group("devs");
  rm.set_username("bob");
  v1::RemoveGroupMemberResponse rmr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::RemoveGroupMember, rm, &rmr));
  EXPECT_EQ(Decide("bob", "ci:StartBuild", "arn:aws:ci:::project/web"), v1::IMPLICIT_DENY);
}

TEST_P(AuthzE2eTest, RolesAndTemporaryAssignmentsExpireByThemselves) {
  v1::CreateRoleRequest cr;
  cr.set_name("support");
  v1::Role role;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateRole, cr, &role));
  EXPECT_EQ(role.arn(), "arn:aws:iam::" + acme_ + ":role/support");
  ASSERT_RPC_OK(
      PutInline(P(v1::PrincipalName::ROLE, "support"), "Tickets", Allow("support:*", "*")));
  v1::AssignRoleRequest a;
  a.set_role("support");
  *a.mutable_principal() = P(v1::PrincipalName::USER, "bob");
  a.set_duration_seconds(4 * 3600);
  v1::RoleAssignment assigned;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AssignRole, a, &assigned));
  EXPECT_TRUE(assigned.has_expire_time());
  EXPECT_EQ(Decide("bob", "support:ReadTicket", "arn:aws:support:::ticket/1"), v1::ALLOW);
  EXPECT_THAT(last_.reasons(), ::testing::Contains(HasSubstr("through role support")));
  clock_.Advance(absl::Hours(4) - absl::Seconds(1));
  EXPECT_EQ(Decide("bob", "support:ReadTicket", "arn:aws:support:::ticket/1"), v1::ALLOW);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(Decide("bob", "support:ReadTicket", "arn:aws:support:::ticket/1"), v1::IMPLICIT_DENY);
  v1::ListUserRolesRequest lr;
  lr.set_username("bob");
  v1::ListUserRolesResponse held;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ListUserRoles, lr, &held));
  EXPECT_EQ(held.roles_size(), 0);
  // A permanent assignment through a group, revoked early.
  v1::CreateGroupRequest g;
  g.set_name("helpdesk");
  v1::Group group;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateGroup, g, &group));
  v1::AddGroupMemberRequest m;
  m.set_group("helpdesk");
  m.set_username("bob");
  v1::AddGroupMemberResponse mr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AddGroupMember, m, &mr));
  a.set_duration_seconds(0);
  *a.mutable_principal() = P(v1::PrincipalName::GROUP, "helpdesk");
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AssignRole, a, &assigned));
  EXPECT_EQ(Decide("bob", "support:ReadTicket", "arn:aws:support:::ticket/1"), v1::ALLOW);
  EXPECT_THAT(last_.reasons(), ::testing::Contains(HasSubstr("through group helpdesk")));
  v1::UnassignRoleRequest u;
  u.set_role("support");
  *u.mutable_principal() = P(v1::PrincipalName::GROUP, "helpdesk");
  v1::UnassignRoleResponse ur;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::UnassignRole, u, &ur));
  EXPECT_EQ(Decide("bob", "support:ReadTicket", "arn:aws:support:::ticket/1"), v1::IMPLICIT_DENY);
  // Past expiries and durations beyond a year are refused.
  a.set_duration_seconds(-5);
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::AssignRole, a, &assigned),
             grpc::StatusCode::INVALID_ARGUMENT);
  a.set_duration_seconds(400LL * 86400);
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::AssignRole, a, &assigned),
             grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(AuthzE2eTest, ExplicitDenyWinsOverEveryAllow) {
  ASSERT_RPC_OK(
      Attach("arn:aws:iam::aws:policy/AdministratorAccess", P(v1::PrincipalName::USER, "bob")));
  EXPECT_EQ(Decide("bob", "s3:DeleteBucket", "arn:aws:s3:::photos"), v1::ALLOW);
  ASSERT_RPC_OK(PutInline(P(v1::PrincipalName::USER, "bob"), "NoDelete", Deny("s3:Delete*", "*")));
  EXPECT_EQ(Decide("bob", "s3:DeleteBucket", "arn:aws:s3:::photos"), v1::EXPLICIT_DENY);
  EXPECT_THAT(last_.reasons(0), HasSubstr("user/bob/inline/NoDelete"));
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::photos/x"), v1::ALLOW);
  // A resource policy's deny wins over the identity allow too.
  v1::ResourcePolicyRequest rp;
  rp.set_resource("arn:aws:s3:::photos");
  rp.set_document(nlohmann::json{{"Version", "2012-10-17"},
                                 {"Statement",
                                  {{{"Effect", "Deny"},
                                    {"Principal", "*"},
                                    {"Action", "s3:GetObject"},
                                    {"Resource", "arn:aws:s3:::photos/private/*"}}}}}
                      .dump());
  v1::ResourcePolicy out;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::PutResourcePolicy, rp, &out));
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::photos/private/x"), v1::EXPLICIT_DENY);
  EXPECT_THAT(last_.reasons(0), HasSubstr("resource-policy arn:aws:s3:::photos"));
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::photos/public/x"), v1::ALLOW);
}

TEST_P(AuthzE2eTest, PermissionBoundariesLimitUsersAndRoles) {
  ASSERT_RPC_OK(
      Attach("arn:aws:iam::aws:policy/AdministratorAccess", P(v1::PrincipalName::USER, "bob")));
  ASSERT_RPC_OK(CreatePolicy("S3Only", Allow("s3:*", "*")));
  v1::PermissionsBoundaryRequest b;
  *b.mutable_principal() = P(v1::PrincipalName::USER, "bob");
  b.set_policy("S3Only");
  v1::PermissionsBoundaryResponse br;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::PutPermissionsBoundary, b, &br));
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::a/b"), v1::ALLOW);
  EXPECT_EQ(Decide("bob", "ec2:RunInstances", "arn:aws:ec2:::instance/1"), v1::IMPLICIT_DENY);
  EXPECT_THAT(last_.reasons(), ::testing::Contains(HasSubstr("boundary")));
  // The user's boundary also caps what its roles give; a role's own too.
  v1::CreateRoleRequest cr;
  cr.set_name("ops");
  v1::Role role;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateRole, cr, &role));
  ASSERT_RPC_OK(
      Attach("arn:aws:iam::aws:policy/AdministratorAccess", P(v1::PrincipalName::ROLE, "ops")));
  ASSERT_RPC_OK(CreatePolicy("ReadOnlyS3", Allow("s3:Get*", "*")));
  *b.mutable_principal() = P(v1::PrincipalName::ROLE, "ops");
  b.set_policy("ReadOnlyS3");
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::PutPermissionsBoundary, b, &br));
  CreateUser("carol");
  v1::AssignRoleRequest a;
  a.set_role("ops");
  *a.mutable_principal() = P(v1::PrincipalName::USER, "carol");
  v1::RoleAssignment assigned;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AssignRole, a, &assigned));
  EXPECT_EQ(Decide("carol", "s3:GetObject", "arn:aws:s3:::a/b"), v1::ALLOW);
  EXPECT_EQ(Decide("carol", "s3:PutObject", "arn:aws:s3:::a/b"), v1::IMPLICIT_DENY);
  b.clear_policy();
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::DeletePermissionsBoundary, b, &br));
  EXPECT_EQ(Decide("carol", "s3:PutObject", "arn:aws:s3:::a/b"), v1::ALLOW);
}

TEST_P(AuthzE2eTest, SeparationOfDutiesRefusesConflictingRoles) {
  for (const char* name : {"payments-approver", "payments-requester"}) {
    v1::CreateRoleRequest cr;
    cr.set_name(name);
    v1::Role role;
    ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateRole, cr, &role));
  }
  v1::CreateSodRuleRequest rule;
  rule.set_name("payments");
  rule.add_roles("payments-approver");
  rule.add_roles("payments-requester");
  v1::SodRule created;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateSodRule, rule, &created));
  v1::AssignRoleRequest a;
  a.set_role("payments-approver");
  *a.mutable_principal() = P(v1::PrincipalName::USER, "bob");
  v1::RoleAssignment assigned;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AssignRole, a, &assigned));
  a.set_role("payments-requester");
  grpc::Status s = server_->Call(alice_, &AdminService::Stub::AssignRole, a, &assigned);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("rule payments"));
  // Through a group: assigning to the group, or joining it, is refused too.
  v1::CreateGroupRequest g;
  g.set_name("requesters");
  v1::Group group;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateGroup, g, &group));
  *a.mutable_principal() = P(v1::PrincipalName::GROUP, "requesters");
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AssignRole, a, &assigned));
  v1::AddGroupMemberRequest m;
  m.set_group("requesters");
  m.set_username("bob");
  v1::AddGroupMemberResponse mr;
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::AddGroupMember, m, &mr),
             grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Decide("bob", "any:Thing", "*"), v1::IMPLICIT_DENY);
  // An expired assignment no longer counts.
  a.set_role("payments-approver");
  *a.mutable_principal() = P(v1::PrincipalName::USER, "bob");
  a.set_duration_seconds(60);
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AssignRole, a, &assigned));
  clock_.Advance(absl::Seconds(61));
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AddGroupMember, m, &mr));
  // A rule that holdings already break is refused.
  v1::CreateSodRuleRequest bad;
  bad.set_name("again");
  bad.add_roles("payments-requester");
  bad.add_roles("payments-approver");
  a.set_duration_seconds(0);
  v1::SodRuleRequest del;
  del.set_name("payments");
  v1::DeleteSodRuleResponse dr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::DeleteSodRule, del, &dr));
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AssignRole, a, &assigned));
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::CreateSodRule, bad, &created),
             grpc::StatusCode::FAILED_PRECONDITION);
}

// AWS lets a bucket's account root always manage the bucket's policy; here
// the account's administrators may always read, replace and delete its
// resource policies, whatever their own policies deny; not its ACLs, and
// not a user who is no administrator.
TEST_P(AuthzE2eTest, AdministratorsCannotBeLockedOutOfResourcePolicies) {
  ASSERT_RPC_OK(CreatePolicy(
      "NoResourceAdmin",
      nlohmann::json{{"Version", "2012-10-17"},
                     {"Statement",
                      {{{"Effect", "Deny"},
                        {"Action",
                         {"iam:PutResourcePolicy", "iam:GetResourcePolicy",
                          "iam:DeleteResourcePolicy", "iam:PutResourceAcl"}},
                        {"Resource", "*"}}}}}
          .dump()));
  ASSERT_RPC_OK(Attach("NoResourceAdmin", P(v1::PrincipalName::USER, "alice")));
  v1::ResourcePolicyRequest rp;
  rp.set_resource("arn:aws:s3:::acme-locked");
  rp.set_document(nlohmann::json{{"Version", "2012-10-17"},
                                 {"Statement",
                                  {{{"Effect", "Deny"},
                                    {"Principal", "*"},
                                    {"Action", "s3:*"},
                                    {"Resource", "arn:aws:s3:::acme-locked/*"}}}}}
                      .dump());
  v1::ResourcePolicy out;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::PutResourcePolicy, rp, &out));
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::GetResourcePolicy, rp, &out));
  v1::PutResourceAclRequest acl;
  acl.set_resource("arn:aws:s3:::acme-locked/a.jpg");
  acl.set_canned("public-read");
  v1::ResourceAcl acl_out;
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::PutResourceAcl, acl, &acl_out),
             grpc::StatusCode::PERMISSION_DENIED);
  v1::DeleteResourcePolicyResponse deleted;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::DeleteResourcePolicy, rp, &deleted));
  // bob, allowed everything but denied the same, is no administrator.
  ASSERT_RPC_OK(CreatePolicy("Everything", Allow("*", "*")));
  ASSERT_RPC_OK(Attach("Everything", P(v1::PrincipalName::USER, "bob")));
  ASSERT_RPC_OK(Attach("NoResourceAdmin", P(v1::PrincipalName::USER, "bob")));
  const std::string bob = LoginToken("bob");
  EXPECT_RPC(server_->Call(bob, &AdminService::Stub::PutResourcePolicy, rp, &out),
             grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(AuthzE2eTest, ResourcePoliciesAclsAndCrossAccount) {
  auto [globex, gina] = server_->CreateAccount("globex", "gina");
  CreateUser("gus", gina);
  // Within acme: a bucket policy naming bob grants him with no identity policy.
  v1::ResourcePolicyRequest rp;
  rp.set_resource("arn:aws:s3:::acme-data");
  rp.set_document(nlohmann::json{
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Effect", "Allow"},
         {"Principal",
          {{"AWS",
            {"arn:aws:iam::" + acme_ + ":user/bob", "arn:aws:iam::" + globex + ":user/gus"}}}},
         {"Action", "s3:GetObject"},
         {"Resource", "arn:aws:s3:::acme-data/*"}}}}}
                      .dump());
  v1::ResourcePolicy out;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::PutResourcePolicy, rp, &out));
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::acme-data/report.csv"), v1::ALLOW);
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::acme-data-old/x"), v1::IMPLICIT_DENY);
  // Another account cannot put a policy on acme's bucket.
  EXPECT_RPC(server_->Call(gina, &AdminService::Stub::PutResourcePolicy, rp, &out),
             grpc::StatusCode::PERMISSION_DENIED);
  // Cross-account: gus needs his own identity allow as well.
  v1::CheckRequest r = Req("gus", "s3:GetObject", "arn:aws:s3:::acme-data/report.csv");
  EXPECT_EQ(Decide(r, gina), v1::IMPLICIT_DENY);
  v1::CreatePolicyRequest cp;
  cp.set_name("ReadAcme");
  cp.set_document(Allow("s3:GetObject", "arn:aws:s3:::acme-data/*"));
  v1::ManagedPolicy mp;
  ASSERT_RPC_OK(server_->Call(gina, &AdminService::Stub::CreatePolicy, cp, &mp));
  v1::AttachPolicyRequest at;
  at.set_policy("ReadAcme");
  *at.mutable_principal() = P(v1::PrincipalName::USER, "gus");
  v1::AttachPolicyResponse atr;
  ASSERT_RPC_OK(server_->Call(gina, &AdminService::Stub::AttachPolicy, at, &atr));
  EXPECT_EQ(Decide(r, gina), v1::ALLOW);
  r.set_resource("arn:aws:s3:::acme-data/../other");
  EXPECT_EQ(Decide(Req("gus", "s3:PutObject", "arn:aws:s3:::acme-data/x"), gina),
            v1::IMPLICIT_DENY);
  // ACLs: a public-read object is readable anonymously; its owner's
  // account-wide grant is not a grant to everyone.
  v1::PutResourceAclRequest acl;
  acl.set_resource("arn:aws:s3:::acme-data/public/logo.png");
  acl.set_canned("public-read");
  v1::ResourceAcl aclout;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::PutResourceAcl, acl, &aclout));
  EXPECT_EQ(aclout.owner(), acme_);
  v1::CheckRequest anon;
  anon.mutable_principal()->set_anonymous(true);
  anon.set_action("s3:GetObject");
  anon.set_resource("arn:aws:s3:::acme-data/public/logo.png");
  EXPECT_EQ(Decide(anon), v1::ALLOW);
  anon.set_resource("arn:aws:s3:::acme-data/report.csv");
  EXPECT_EQ(Decide(anon), v1::IMPLICIT_DENY);
  // A bucket ACL granting WRITE to globex lets gus (with an identity allow) put objects.
  acl.set_resource("arn:aws:s3:::acme-data");
  acl.set_canned("");
  acl.set_target("bucket");
  auto* grant = acl.add_grants();
  grant->set_grantee_type("CanonicalUser");
  grant->set_grantee(globex);
  grant->set_permission("WRITE");
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::PutResourceAcl, acl, &aclout));
  cp.set_name("WriteAcme");
  cp.set_document(Allow("s3:PutObject", "arn:aws:s3:::acme-data/*"));
  ASSERT_RPC_OK(server_->Call(gina, &AdminService::Stub::CreatePolicy, cp, &mp));
  at.set_policy("WriteAcme");
  ASSERT_RPC_OK(server_->Call(gina, &AdminService::Stub::AttachPolicy, at, &atr));
  EXPECT_EQ(Decide(Req("gus", "s3:PutObject", "arn:aws:s3:::acme-data/in/x"), gina), v1::ALLOW);
  // The resource policy and ACL are acme's: globex does not see them.
  v1::ResourcePolicyRequest get;
  get.set_resource("arn:aws:s3:::acme-data");
  EXPECT_RPC(server_->Call(gina, &AdminService::Stub::GetResourcePolicy, get, &out),
             grpc::StatusCode::NOT_FOUND);
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::GetResourcePolicy, get, &out));
  // A bad ACL names its problem.
  grant->set_permission("EVERYTHING");
  grpc::Status s = server_->Call(alice_, &AdminService::Stub::PutResourceAcl, acl, &aclout);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("acl.grants[0].permission"));
}

TEST_P(AuthzE2eTest, MfaAndIpConditionsFromTheTokenAndTheRequest) {
  ASSERT_RPC_OK(CreatePolicy(
      "NeedsMfa", Allow("billing:*", "*", {{"Bool", {{"aws:MultiFactorAuthPresent", "true"}}}})));
  ASSERT_RPC_OK(CreatePolicy(
      "Office", Allow("wiki:*", "*", {{"IpAddress", {{"aws:SourceIp", "10.1.0.0/16"}}}})));
  ASSERT_RPC_OK(Attach("NeedsMfa", P(v1::PrincipalName::USER, "bob")));
  ASSERT_RPC_OK(Attach("Office", P(v1::PrincipalName::USER, "bob")));
  // A password-only session: no MFA.
  const std::string pwd_token = LoginToken("bob");
  v1::CheckRequest r;
  r.set_token(pwd_token);
  r.set_action("billing:ViewInvoice");
  r.set_resource("arn:aws:billing:::invoice/1");
  EXPECT_EQ(Decide(r), v1::IMPLICIT_DENY);
  // A caller may not claim MFA for the principal.
  v1::CheckRequest forged = Req("bob", "billing:ViewInvoice", "arn:aws:billing:::invoice/1");
  auto* e = forged.add_context();
  e->set_key("aws:MultiFactorAuthPresent");
  e->add_values("true");
  v1::CheckResponse out;
  EXPECT_RPC(server_->CallAuthz(alice_, &AuthzService::Stub::Check, forged, &out),
             grpc::StatusCode::INVALID_ARGUMENT);
  // Enrol TOTP and log in with a code: the token carries MFA.
  v1::BeginTotpEnrollmentRequest b;
  v1::BeginTotpEnrollmentResponse br;
  ASSERT_RPC_OK(server_->CallAuth(pwd_token, &AuthService::Stub::BeginTotpEnrollment, b, &br));
  const std::string uri = br.otpauth_uri();
  const size_t at = uri.find("secret=") + 7;
  const std::string b32 = uri.substr(at, uri.find('&', at) - at);
  char* raw = nullptr;
  size_t len = 0;
  oath_init();
  ASSERT_EQ(oath_base32_decode(b32.data(), b32.size(), &raw, &len), OATH_OK);
  const std::string secret(raw, len);
  free(raw);
  auto code = [&] {
    return *mfa::TotpCode(secret, {mfa::TotpAlgorithm::kSha1, 6, 30},
                          mfa::TotpStep(absl::ToUnixSeconds(clock_.Now()), 30));
  };
  v1::ConfirmTotpEnrollmentRequest c;
  c.set_code(code());
  v1::ConfirmTotpEnrollmentResponse cr;
  ASSERT_RPC_OK(server_->CallAuth(pwd_token, &AuthService::Stub::ConfirmTotpEnrollment, c, &cr));
  v1::SetAccountPolicyRequest mp;
  mp.set_kind("mfa");
  v1::GetAccountPolicyRequest gp;
  gp.set_kind("mfa");
  v1::AccountPolicy policy;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::GetAccountPolicy, gp, &policy));
  auto doc = nlohmann::json::parse(policy.document());
  doc["mode"] = "required";
  mp.set_document(doc.dump());
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, mp, &policy));
  clock_.Advance(absl::Seconds(30));
  v1::LoginRequest l;
  l.set_account("acme");
  l.set_username("bob");
  l.set_password(kPassword);
  l.set_device_id("dev-1");
  l.set_client_ip("10.1.1.1");
  v1::LoginResponse lr;
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Login, l, &lr));
  ASSERT_EQ(lr.status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  v1::VerifyMfaRequest vm;
  vm.set_ticket(lr.mfa_ticket());
  vm.set_code(code());
  v1::LoginResponse mfa_login;
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::VerifyMfa, vm, &mfa_login));
  r.set_token(mfa_login.tokens().access_token());
  EXPECT_EQ(Decide(r), v1::ALLOW);
  // IP: from the request's source_ip, else the caller's address.
  v1::CheckRequest ip = Req("bob", "wiki:Read", "arn:aws:wiki:::page/1");
  ip.set_source_ip("10.1.2.3");
  EXPECT_EQ(Decide(ip), v1::ALLOW);
  ip.set_source_ip("192.0.2.1");
  EXPECT_EQ(Decide(ip), v1::IMPLICIT_DENY);
  ip.clear_source_ip();
  EXPECT_EQ(Decide(ip), v1::IMPLICIT_DENY);  // the caller is on 127.0.0.1
  ip.set_source_ip("not-an-ip");
  EXPECT_RPC(server_->CallAuthz(alice_, &AuthzService::Stub::Check, ip, &out),
             grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(AuthzE2eTest, VersionsAtMostFiveAndTheDefaultDecides) {
  ASSERT_RPC_OK(CreatePolicy("Rw", Allow("s3:GetObject", "*")));
  ASSERT_RPC_OK(Attach("Rw", P(v1::PrincipalName::USER, "bob")));
  v1::CreatePolicyVersionRequest v;
  v.set_policy("Rw");
  v.set_document(Allow("s3:PutObject", "*"));
  v.set_set_as_default(true);
  v1::PolicyVersion pv;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreatePolicyVersion, v, &pv));
  EXPECT_EQ(pv.version(), 2);
  EXPECT_EQ(Decide("bob", "s3:PutObject", "arn:aws:s3:::b/k"), v1::ALLOW);
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::b/k"), v1::IMPLICIT_DENY);
  v.set_set_as_default(false);
  for (int i = 3; i <= 5; ++i) {
    ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreatePolicyVersion, v, &pv));
  }
  grpc::Status s = server_->Call(alice_, &AdminService::Stub::CreatePolicyVersion, v, &pv);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("5 versions"));
  v1::PolicyVersionRequest d;
  d.set_policy("Rw");
  d.set_version(2);
  v1::PolicyVersionResponse dr;
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::DeletePolicyVersion, d, &dr),
             grpc::StatusCode::FAILED_PRECONDITION);
  d.set_version(1);
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::SetDefaultPolicyVersion, d, &dr));
  EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::b/k"), v1::ALLOW);
  d.set_version(2);
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::DeletePolicyVersion, d, &dr));
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreatePolicyVersion, v, &pv));
  EXPECT_EQ(pv.version(), 6);  // numbers are never reused
  v1::GetPolicyRequest g;
  g.set_policy("Rw");
  v1::ListPolicyVersionsResponse versions;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ListPolicyVersions, g, &versions));
  EXPECT_EQ(versions.versions_size(), 5);
  // An attached policy cannot be deleted.
  v1::DeletePolicyRequest del;
  del.set_policy("Rw");
  v1::DeletePolicyResponse delr;
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::DeletePolicy, del, &delr),
             grpc::StatusCode::FAILED_PRECONDITION);
}

// What a document's checks find: asked for (ValidatePolicy, which stores
// nothing), and answered beside every write.
TEST_P(AuthzE2eTest, PolicyFindingsWithValidationAndEveryWrite) {
  const std::string everything = Allow("*", "*");
  v1::ValidatePolicyRequest v;
  v.set_document(everything);
  v1::ValidatePolicyResponse vr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ValidatePolicy, v, &vr));
  EXPECT_TRUE(vr.valid());
  ASSERT_EQ(vr.findings_size(), 1);
  EXPECT_EQ(vr.findings(0).code(), "FULL_ACCESS");
  EXPECT_EQ(vr.findings(0).severity(), "SECURITY_WARNING");
  EXPECT_EQ(vr.findings(0).path(), "Statement[0]");
  // Invalid: said, with the path; not an RPC error.
  v.set_document(R"({"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]})");
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ValidatePolicy, v, &vr));
  EXPECT_FALSE(vr.valid());
  EXPECT_THAT(vr.error(), HasSubstr("Statement[0].Effect"));
  // A resource policy open to anyone.
  v.set_kind("resource");
  v.set_document(nlohmann::json{{"Version", "2012-10-17"},
                                {"Statement",
                                 {{{"Effect", "Allow"},
                                   {"Principal", "*"},
                                   {"Action", "s3:GetObject"},
                                   {"Resource", "arn:aws:s3:::acme-pub/*"}}}}}
                     .dump());
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ValidatePolicy, v, &vr));
  ASSERT_EQ(vr.findings_size(), 1);
  EXPECT_EQ(vr.findings(0).code(), "PUBLIC_ACCESS");
  v.set_kind("bucket");
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::ValidatePolicy, v, &vr),
             grpc::StatusCode::INVALID_ARGUMENT);
  v1::ValidatePolicyRequest huge;
  huge.set_document(std::string(1024 * 1024 + 1, ' '));
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::ValidatePolicy, huge, &vr),
             grpc::StatusCode::INVALID_ARGUMENT);
  // bob may not ask without iam:ValidatePolicy.
  v.set_kind("resource");
  EXPECT_RPC(server_->Call(LoginToken("bob"), &AdminService::Stub::ValidatePolicy, v, &vr),
             grpc::StatusCode::PERMISSION_DENIED);
  // Every write answers its document's findings.
  v1::CreatePolicyRequest cp;
  cp.set_name("Everything");
  cp.set_document(everything);
  v1::ManagedPolicy created;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreatePolicy, cp, &created));
  ASSERT_EQ(created.findings_size(), 1);
  EXPECT_EQ(created.findings(0).code(), "FULL_ACCESS");
  v1::InlinePolicyRequest ip;
  *ip.mutable_principal() = P(v1::PrincipalName::USER, "bob");
  ip.set_policy_name("Pass");
  ip.set_document(Allow("iam:PassRole", "*"));
  v1::InlinePolicyResponse ipr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::PutInlinePolicy, ip, &ipr));
  ASSERT_EQ(ipr.findings_size(), 1);
  EXPECT_EQ(ipr.findings(0).code(), "PASS_ROLE_WITH_STAR_IN_RESOURCE");
  v1::CreatePolicyVersionRequest cv;
  cv.set_policy("Everything");
  cv.set_document(Allow("s3:GetObject", "arn:aws:s3:::photos/*"));
  v1::PolicyVersion version;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreatePolicyVersion, cv, &version));
  EXPECT_EQ(version.findings_size(), 0);
}

TEST_P(AuthzE2eTest, BadDocumentsAreRefusedWithTheirPath) {
  grpc::Status s = CreatePolicy(
      "Bad",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*",)"
      R"("Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","nope"]}}}]})");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("document: Statement[0].Condition.IpAddress.aws:SourceIp[1]"));
  EXPECT_RPC(CreatePolicy("Bad", "{not json"), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_RPC(CreatePolicy("Bad", std::string(7000, ' ') + Allow("a:b", "*") + std::string(20, 'x')),
             grpc::StatusCode::INVALID_ARGUMENT);
  // Invalid UTF-8 never reaches a handler: the protobuf layer refuses it.
  EXPECT_FALSE(CreatePolicy("Bad", Allow("s3:GetObject", "*") + "\xff").ok());
  std::string big = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < 200; ++i) {
    big += std::string(i ? "," : "") +
           R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-)" +
           std::to_string(i) + R"(/*"})";
  }
  big += "]}";
  s = CreatePolicy("Big", big);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("6144"));
  EXPECT_RPC(CreatePolicy("x'; DROP TABLE users;--", Allow("a:b", "*")),
             grpc::StatusCode::INVALID_ARGUMENT);
  // A resource policy needs a Principal.
  v1::ResourcePolicyRequest rp;
  rp.set_resource("arn:aws:s3:::acme-bucket");
  rp.set_document(Allow("s3:GetObject", "*"));
  v1::ResourcePolicy out;
  s = server_->Call(alice_, &AdminService::Stub::PutResourcePolicy, rp, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("Principal"));
  rp.set_resource("arn:aws:s3:::acme-*");
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::PutResourcePolicy, rp, &out),
             grpc::StatusCode::INVALID_ARGUMENT);
  // Nothing was written.
  v1::ListPoliciesRequest l;
  v1::ListPoliciesResponse listed;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ListPolicies, l, &listed));
  EXPECT_EQ(listed.policies_size(), 0);
  // Malformed checks name their field.
  v1::CheckResponse cr;
  s = server_->CallAuthz(alice_, &AuthzService::Stub::Check, Req("bob", "GetObject", "*"), &cr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("action"));
  s = server_->CallAuthz(alice_, &AuthzService::Stub::Check, Req("bob", "s3:Get", "bucket"), &cr);
  EXPECT_THAT(s.error_message(), HasSubstr("resource"));
  EXPECT_RPC(
      server_->CallAuthz(alice_, &AuthzService::Stub::Check, Req("nobody", "s3:Get", "*"), &cr),
      grpc::StatusCode::NOT_FOUND);
}

TEST_P(AuthzE2eTest, BatchCheckAnswersInOrderUpToAThousand) {
  ASSERT_RPC_OK(CreatePolicy("Even", Allow("svc:Get", "arn:aws:svc:::item/*0")));
  ASSERT_RPC_OK(Attach("Even", P(v1::PrincipalName::USER, "bob")));
  v1::BatchCheckRequest b;
  b.mutable_principal()->set_username("bob");
  for (int i = 0; i < 1000; ++i) {
    v1::CheckRequest* c = b.add_checks();
    c->set_action("svc:Get");
    c->set_resource("arn:aws:svc:::item/" + std::to_string(i));
  }
  v1::BatchCheckResponse out;
  ASSERT_RPC_OK(server_->CallAuthz(alice_, &AuthzService::Stub::BatchCheck, b, &out));
  ASSERT_EQ(out.results_size(), 1000);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(out.results(i).allowed(), i % 10 == 0) << i;
  }
  b.add_checks()->set_action("svc:Get");
  grpc::Status s = server_->CallAuthz(alice_, &AuthzService::Stub::BatchCheck, b, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("at most 1000"));
  b.mutable_checks()->RemoveLast();
  b.mutable_checks(7)->set_action("bad");
  s = server_->CallAuthz(alice_, &AuthzService::Stub::BatchCheck, b, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("checks[7].action"));
}

TEST_P(AuthzE2eTest, TheAdminApiIsAuthorizedByPolicies) {
  // bob has no policies: every admin call is refused.
  const std::string bob = LoginToken("bob");
  v1::CreateUserRequest cu;
  cu.set_username("dave");
  v1::User u;
  EXPECT_RPC(server_->Call(bob, &AdminService::Stub::CreateUser, cu, &u),
             grpc::StatusCode::PERMISSION_DENIED);
  // A policy scoped to users named dev-* lets him create those only.
  ASSERT_RPC_OK(
      CreatePolicy("DevUsers", Allow("iam:CreateUser", "arn:aws:iam::" + acme_ + ":user/dev-*")));
  ASSERT_RPC_OK(Attach("DevUsers", P(v1::PrincipalName::USER, "bob")));
  EXPECT_RPC(server_->Call(bob, &AdminService::Stub::CreateUser, cu, &u),
             grpc::StatusCode::PERMISSION_DENIED);
  cu.set_username("dev-dave");
  ASSERT_RPC_OK(server_->Call(bob, &AdminService::Stub::CreateUser, cu, &u));
  // Reading needs its own permission; IAMReadOnlyAccess gives it.
  v1::ListUsersRequest lu;
  v1::ListUsersResponse users;
  EXPECT_RPC(server_->Call(bob, &AdminService::Stub::ListUsers, lu, &users),
             grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_RPC_OK(
      Attach("arn:aws:iam::aws:policy/IAMReadOnlyAccess", P(v1::PrincipalName::USER, "bob")));
  ASSERT_RPC_OK(server_->Call(bob, &AdminService::Stub::ListUsers, lu, &users));
  // Full rights in acme are still no rights in another account.
  ASSERT_RPC_OK(
      Attach("arn:aws:iam::aws:policy/AdministratorAccess", P(v1::PrincipalName::USER, "bob")));
  auto [globex, gina] = server_->CreateAccount("globex", "gina");
  lu.set_account_id(globex);
  EXPECT_RPC(server_->Call(bob, &AdminService::Stub::ListUsers, lu, &users),
             grpc::StatusCode::NOT_FOUND);
  v1::CreateAccountRequest ca;
  ca.set_name("sneaky");
  ca.set_admin_username("x");
  v1::CreateAccountResponse car;
  EXPECT_RPC(server_->Call(bob, &AdminService::Stub::CreateAccount, ca, &car),
             grpc::StatusCode::PERMISSION_DENIED);
  // The account's last AdministratorAccess holder keeps it.
  v1::AttachPolicyRequest d;
  d.set_policy("arn:aws:iam::aws:policy/AdministratorAccess");
  *d.mutable_principal() = P(v1::PrincipalName::USER, "gina");
  v1::AttachPolicyResponse dr;
  EXPECT_RPC(server_->Call(gina, &AdminService::Stub::DetachPolicy, d, &dr),
             grpc::StatusCode::FAILED_PRECONDITION);
}

// aws:TokenIssueTime is when the token was issued: a refreshed token is a
// new one, for Check and for the admin API's own authorization alike.
TEST_P(AuthzE2eTest, OneTokenGivesTheSameKeysToCheckAndToTheAdminApi) {
  v1::LoginRequest r;
  r.set_account("acme");
  r.set_username("bob");
  r.set_password(kPassword);
  v1::LoginResponse login;
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Login, r, &login));
  const std::string first = login.tokens().access_token();
  const std::string cutoff =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", clock_.Now() + absl::Minutes(5), absl::UTCTimeZone());
  clock_.Advance(absl::Minutes(10));
  v1::RefreshRequest rr;
  rr.set_refresh_token(login.tokens().refresh_token());
  v1::TokenResponse refreshed;
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &refreshed));
  const std::string second = refreshed.tokens().access_token();

  ASSERT_RPC_OK(CreatePolicy(
      "FreshTokens",
      Allow("iam:ListUsers", "*", {{"DateGreaterThan", {{"aws:TokenIssueTime", cutoff}}}})));
  ASSERT_RPC_OK(Attach("FreshTokens", P(v1::PrincipalName::USER, "bob")));
  v1::CheckRequest check;
  check.set_action("iam:ListUsers");
  check.set_resource("arn:aws:iam::" + acme_ + ":user/*");
  v1::ListUsersRequest lu;
  v1::ListUsersResponse users;
  // Issued before the cutoff: refused by both.
  EXPECT_RPC(server_->Call(first, &AdminService::Stub::ListUsers, lu, &users),
             grpc::StatusCode::PERMISSION_DENIED);
  check.set_token(first);
  EXPECT_EQ(Decide(check), v1::IMPLICIT_DENY);
  // The same login's refreshed token, issued after it: allowed by both.
  ASSERT_RPC_OK(server_->Call(second, &AdminService::Stub::ListUsers, lu, &users));
  check.set_token(second);
  EXPECT_EQ(Decide(check), v1::ALLOW);
}

TEST_P(AuthzE2eTest, EveryAuthzAdminCallIsTenantIsolated) {
  auto [globex, gina] = server_->CreateAccount("globex", "gina");
  ASSERT_RPC_OK(CreatePolicy("P", Allow("a:b", "*")));
  v1::CreateRoleRequest cr;
  cr.set_name("r");
  v1::Role role;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateRole, cr, &role));
  const auto user = P(v1::PrincipalName::USER, "bob");
  auto nf = [&](grpc::Status s, const char* what) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << what << ": " << s.error_message();
  };
  auto call = [&](auto method, auto req, auto* out) {
    req.set_account_id(acme_);
    return server_->Call(gina, method, req, out);
  };
  v1::ManagedPolicy mp;
  v1::CreatePolicyRequest cp;
  cp.set_name("X");
  cp.set_document(Allow("a:b", "*"));
  nf(call(&AdminService::Stub::CreatePolicy, cp, &mp), "CreatePolicy");
  v1::GetPolicyRequest gp;
  gp.set_policy("P");
  nf(call(&AdminService::Stub::GetPolicy, gp, &mp), "GetPolicy");
  v1::ListPoliciesResponse lp;
  nf(call(&AdminService::Stub::ListPolicies, v1::ListPoliciesRequest(), &lp), "ListPolicies");
  v1::DeletePolicyRequest dp;
  dp.set_policy("P");
  v1::DeletePolicyResponse dpr;
  nf(call(&AdminService::Stub::DeletePolicy, dp, &dpr), "DeletePolicy");
  v1::CreatePolicyVersionRequest cv;
  cv.set_policy("P");
  cv.set_document(Allow("a:b", "*"));
  v1::PolicyVersion pv;
  nf(call(&AdminService::Stub::CreatePolicyVersion, cv, &pv), "CreatePolicyVersion");
  v1::PolicyVersionRequest vr;
  vr.set_policy("P");
  vr.set_version(1);
  v1::PolicyVersionResponse vresp;
  nf(call(&AdminService::Stub::GetPolicyVersion, vr, &pv), "GetPolicyVersion");
  nf(call(&AdminService::Stub::SetDefaultPolicyVersion, vr, &vresp), "SetDefaultPolicyVersion");
  nf(call(&AdminService::Stub::DeletePolicyVersion, vr, &vresp), "DeletePolicyVersion");
  v1::ListPolicyVersionsResponse lv;
  nf(call(&AdminService::Stub::ListPolicyVersions, gp, &lv), "ListPolicyVersions");
  v1::AttachPolicyRequest ap;
  ap.set_policy("P");
  *ap.mutable_principal() = user;
  v1::AttachPolicyResponse apr;
  nf(call(&AdminService::Stub::AttachPolicy, ap, &apr), "AttachPolicy");
  nf(call(&AdminService::Stub::DetachPolicy, ap, &apr), "DetachPolicy");
  v1::PrincipalRequest pr;
  *pr.mutable_principal() = user;
  v1::PrincipalPolicies pp;
  nf(call(&AdminService::Stub::ListPrincipalPolicies, pr, &pp), "ListPrincipalPolicies");
  v1::InlinePolicyRequest ip;
  *ip.mutable_principal() = user;
  ip.set_policy_name("I");
  ip.set_document(Allow("a:b", "*"));
  v1::InlinePolicyResponse ipr;
  v1::InlinePolicy inl;
  nf(call(&AdminService::Stub::PutInlinePolicy, ip, &ipr), "PutInlinePolicy");
  nf(call(&AdminService::Stub::GetInlinePolicy, ip, &inl), "GetInlinePolicy");
  nf(call(&AdminService::Stub::DeleteInlinePolicy, ip, &ipr), "DeleteInlinePolicy");
  v1::PermissionsBoundaryRequest br;
  *br.mutable_principal() = user;
  br.set_policy("P");
  v1::PermissionsBoundaryResponse brr;
  nf(call(&AdminService::Stub::PutPermissionsBoundary, br, &brr), "PutPermissionsBoundary");
  nf(call(&AdminService::Stub::DeletePermissionsBoundary, br, &brr), "DeletePermissionsBoundary");
  v1::TagPrincipalRequest tr;
  *tr.mutable_principal() = user;
  auto* tag = tr.add_tags();
  tag->set_key("team");
  tag->set_value("x");
  v1::PrincipalTags tags;
  nf(call(&AdminService::Stub::TagPrincipal, tr, &tags), "TagPrincipal");
  v1::UntagPrincipalRequest ut;
  *ut.mutable_principal() = user;
  ut.add_keys("team");
  nf(call(&AdminService::Stub::UntagPrincipal, ut, &tags), "UntagPrincipal");
  nf(call(&AdminService::Stub::ListPrincipalTags, pr, &tags), "ListPrincipalTags");
  nf(call(&AdminService::Stub::CreateRole, cr, &role), "CreateRole");
  v1::RoleRequest rr;
  rr.set_name("r");
  nf(call(&AdminService::Stub::GetRole, rr, &role), "GetRole");
  v1::ListRolesResponse lr;
  nf(call(&AdminService::Stub::ListRoles, v1::ListRolesRequest(), &lr), "ListRoles");
  v1::DeleteRoleResponse drr;
  nf(call(&AdminService::Stub::DeleteRole, rr, &drr), "DeleteRole");
  v1::AssignRoleRequest ar;
  ar.set_role("r");
  *ar.mutable_principal() = user;
  v1::RoleAssignment ra;
  nf(call(&AdminService::Stub::AssignRole, ar, &ra), "AssignRole");
  v1::UnassignRoleRequest ur;
  ur.set_role("r");
  *ur.mutable_principal() = user;
  v1::UnassignRoleResponse urr;
  nf(call(&AdminService::Stub::UnassignRole, ur, &urr), "UnassignRole");
  v1::ListUserRolesRequest lur;
  lur.set_username("bob");
  v1::ListUserRolesResponse lurr;
  nf(call(&AdminService::Stub::ListUserRoles, lur, &lurr), "ListUserRoles");
  v1::CreateSodRuleRequest sr;
  sr.set_name("s");
  sr.add_roles("r");
  sr.add_roles("r2");
  v1::SodRule sod;
  nf(call(&AdminService::Stub::CreateSodRule, sr, &sod), "CreateSodRule");
  v1::SodRuleRequest sq;
  sq.set_name("s");
  v1::ListSodRulesResponse lsr;
  v1::DeleteSodRuleResponse dsr;
  nf(call(&AdminService::Stub::ListSodRules, sq, &lsr), "ListSodRules");
  nf(call(&AdminService::Stub::DeleteSodRule, sq, &dsr), "DeleteSodRule");
  v1::ResourcePolicyRequest rp;
  rp.set_resource("arn:aws:s3:::acme-only");
  v1::ResourcePolicy rpo;
  v1::DeleteResourcePolicyResponse drp;
  nf(call(&AdminService::Stub::GetResourcePolicy, rp, &rpo), "GetResourcePolicy");
  nf(call(&AdminService::Stub::DeleteResourcePolicy, rp, &drp), "DeleteResourcePolicy");
  v1::GetResourceAclRequest ga;
  ga.set_resource("arn:aws:s3:::acme-only");
  v1::ResourceAcl acl;
  nf(call(&AdminService::Stub::GetResourceAcl, ga, &acl), "GetResourceAcl");
  v1::ExportPermissionsResponse ex;
  nf(call(&AdminService::Stub::ExportPermissions, v1::ExportPermissionsRequest(), &ex),
     "ExportPermissions");
  // Check about another account's user is refused the same way.
  v1::CheckResponse out;
  EXPECT_RPC(
      server_->CallAuthz(gina, &AuthzService::Stub::Check, Req("bob", "a:b", "*", acme_), &out),
      grpc::StatusCode::NOT_FOUND);
  // And nothing of acme changed.
  v1::GetPolicyRequest still;
  still.set_policy("P");
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::GetPolicy, still, &mp));
  EXPECT_EQ(mp.attachment_count(), 0);
}

TEST_P(AuthzE2eTest, ExplainShowsTheTraceAndExportListsWhoCanDoWhat) {
  ASSERT_RPC_OK(CreatePolicy("ReadPhotos", Allow("s3:GetObject", "arn:aws:s3:::photos/*")));
  ASSERT_RPC_OK(Attach("ReadPhotos", P(v1::PrincipalName::USER, "bob")));
  v1::ExplainRequest e;
  *e.mutable_check() = Req("bob", "s3:GetObject", "arn:aws:s3:::photos/a");
  v1::ExplainResponse out;
  ASSERT_RPC_OK(server_->CallAuthz(alice_, &AuthzService::Stub::Explain, e, &out));
  EXPECT_EQ(out.result().decision(), v1::ALLOW);
  EXPECT_THAT(out.trace(), ::testing::Contains(HasSubstr("ReadPhotos@v1.Statement[0]: allows")));
  // bob may not explain.
  EXPECT_RPC(server_->CallAuthz(LoginToken("bob"), &AuthzService::Stub::Explain, e, &out),
             grpc::StatusCode::PERMISSION_DENIED);
  v1::ExportPermissionsResponse ex;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ExportPermissions,
                              v1::ExportPermissionsRequest(), &ex));
  bool found = false;
  for (const auto& p : ex.principals()) {
    if (p.principal().name() != "bob") continue;
    found = true;
    ASSERT_EQ(p.grants_size(), 1);
    EXPECT_EQ(p.grants(0).actions(0), "s3:getobject");  // actions are case-insensitive
    EXPECT_EQ(p.attached_policies(0), "arn:aws:iam::" + acme_ + ":policy/ReadPhotos");
  }
  EXPECT_TRUE(found);
  int exports = 0;
  ASSERT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    auto rows = tx.Query("SELECT COUNT(*) FROM audit_log WHERE account_id = ? AND action = ?",
                         {acme_, std::string("iam:ExportPermissions")});
    if (!rows.ok()) return rows.status();
    exports = static_cast<int>((*rows)[0].Int(0));
    return absl::OkStatus();
  }));
  EXPECT_EQ(exports, 1);
}

// A document stored before a write-time rule was added (here an identity
// Sid with a '-' and an IAM ARN with a region, which the API now refuses)
// keeps deciding: the rules apply to new documents, never to reading
// back.
TEST_P(AuthzE2eTest, PoliciesStoredUnderEarlierRulesStillDecide) {
  ASSERT_RPC_OK(CreatePolicy("ReadPhotos", Allow("s3:GetObject", "arn:aws:s3:::photos/*")));
  ASSERT_RPC_OK(Attach("ReadPhotos", P(v1::PrincipalName::USER, "bob")));
  const std::string older = nlohmann::json{
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Sid", "read-photos"},
         {"Effect", "Allow"},
         {"Action", "s3:GetObject"},
         {"Resource", {"arn:aws:s3:::photos/*", "arn:aws:iam:us-east-1:" + acme_ + ":user/x"}}}}}}
                                .dump();
  v1::CreatePolicyRequest refused;
  refused.set_name("Older");
  refused.set_document(older);
  v1::ManagedPolicy out;
  EXPECT_EQ(server_->Call(alice_, &AdminService::Stub::CreatePolicy, refused, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // As an earlier release stored it (a second version, made the default),
  // with the change announced to replicas.
  ASSERT_OK(t_->db().Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    auto n = tx.Exec(
        "INSERT INTO policy_versions (policy_id, version, account_id, document, created_at) "
        "SELECT policy_id, 2, account_id, ?, created_at FROM policy_versions "
        "WHERE account_id = ? AND version = 1",
        {older, acme_});
    if (!n.ok()) return n.status();
    if (*n != 1) return absl::InternalError("expected one version");
    n = tx.Exec("UPDATE managed_policies SET default_version = 2, next_version = 3 "
                "WHERE account_id = ?",
                {acme_});
    if (!n.ok()) return n.status();
    return tx.Exec("UPDATE authz_versions SET version = version + 1 WHERE scope = ? OR scope = '*'",
                   {acme_})
        .status();
  }));
  // Picked up at the next poll (every 250 ms), as a change through another
  // replica would be.
  bool reread = false;
  for (int i = 0; i < 100 && !reread; ++i) {
    EXPECT_EQ(Decide("bob", "s3:GetObject", "arn:aws:s3:::photos/a.jpg"), v1::ALLOW);
    reread = last_.reasons_size() > 0 && absl::StrContains(last_.reasons(0), "(read-photos)");
    if (!reread) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(reread) << last_.DebugString();
}

INSTANTIATE_TEST_SUITE_P(Stores, AuthzE2eTest, ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Mysql";
                         });

}  // namespace
}  // namespace iam::e2e
