// Last-used data end to end, through real gRPC servers on both stores:
// Check's allows and the admin API's own are recorded with the statement
// that allowed them (denies, explanations and simulations are not); the
// data survives a restart and adds up across replicas; unused access is
// judged only after the window, with the statement of each unused grant;
// both reports are audited, and bad or hostile requests are refused.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "iam/v1/audit_service.grpc.pb.h"
#include "tests/support/rpc_matchers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

using store::Backend;
using ::testing::HasSubstr;
using v1::AdminService;
using v1::AuthzService;

v1::PrincipalName Named(v1::PrincipalName::Type type, const std::string& name) {
  v1::PrincipalName p;
  p.set_type(type);
  p.set_name(name);
  return p;
}

std::string Doc(const nlohmann::json& statements) {
  return nlohmann::json{{"Version", "2012-10-17"}, {"Statement", statements}}.dump();
}

class AccessActivityE2eTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    config_ = testing::TestConfig(*t_);
    server_ = testing::TestServer::Start(config_, &clock_, &random_);
    ASSERT_NE(server_, nullptr);
    std::tie(acme_, alice_) = server_->CreateAccount("acme", "alice");
    User("bob");
    Ok(&AdminService::Stub::CreatePolicy, [] {
      v1::CreatePolicyRequest r;
      r.set_name("ReadPhotos");
      r.set_document(Doc({{{"Sid", "Read"},
                           {"Effect", "Allow"},
                           {"Action", {"s3:GetObject", "s3:ListBucket"}},
                           {"Resource", "*"}}}));
      return r;
    }());
    Attach("ReadPhotos", Named(v1::PrincipalName::USER, "bob"));
  }

  template <typename Req, typename Resp>
  void Ok(grpc::Status (AdminService::Stub::*m)(grpc::ClientContext*, const Req&, Resp*),
          const Req& r) {
    Resp out;
    grpc::Status s = server_->Call(alice_, m, r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void User(const std::string& name) {
    v1::CreateUserRequest r;
    r.set_username(name);
    Ok(&AdminService::Stub::CreateUser, r);
  }
  void Attach(const std::string& policy, const v1::PrincipalName& p) {
    v1::AttachPolicyRequest r;
    r.set_policy(policy);
    *r.mutable_principal() = p;
    Ok(&AdminService::Stub::AttachPolicy, r);
  }
  void Inline(const v1::PrincipalName& p, const std::string& name, const std::string& action) {
    v1::InlinePolicyRequest r;
    *r.mutable_principal() = p;
    r.set_policy_name(name);
    r.set_document(Doc({{{"Effect", "Allow"}, {"Action", action}, {"Resource", "*"}}}));
    Ok(&AdminService::Stub::PutInlinePolicy, r);
  }

  v1::Decision Check(testing::TestServer& s, const std::string& user, const std::string& action,
                     bool explain = false) {
    v1::CheckRequest r;
    r.mutable_principal()->set_username(user);
    r.set_action(action);
    r.set_resource("arn:aws:s3:::photos/a.jpg");
    if (explain) {
      v1::ExplainRequest e;
      *e.mutable_check() = r;
      v1::ExplainResponse out;
      grpc::Status st = s.CallAuthz(alice_, &AuthzService::Stub::Explain, e, &out);
      EXPECT_TRUE(st.ok()) << st.error_message();
      return out.result().decision();
    }
    v1::CheckResponse out;
    grpc::Status st = s.CallAuthz(alice_, &AuthzService::Stub::Check, r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out.decision();
  }
  v1::Decision Check(const std::string& user, const std::string& action) {
    return Check(*server_, user, action);
  }

  grpc::Status LastUsed(const v1::AccessLastUsedRequest& r, v1::AccessLastUsedResponse* out,
                        testing::TestServer* s = nullptr, const std::string& token = "") {
    return (s ? s : server_.get())
        ->Call(token.empty() ? alice_ : token, &AdminService::Stub::GetAccessLastUsed, r, out);
  }
  v1::AccessLastUsedResponse LastUsedOf(const v1::PrincipalName& p,
                                        testing::TestServer* s = nullptr) {
    v1::AccessLastUsedRequest r;
    *r.mutable_principal() = p;
    v1::AccessLastUsedResponse out;
    grpc::Status st = LastUsed(r, &out, s);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }
  // The action's entry, or null.
  static const v1::ActionLastUsed* Find(const v1::AccessLastUsedResponse& r,
                                        const std::string& action) {
    for (const auto& s : r.services()) {
      for (const auto& a : s.actions()) {
        if (absl::EqualsIgnoreCase(a.action(), action)) return &a;
      }
    }
    return nullptr;
  }

  grpc::Status Unused(const v1::UnusedAccessRequest& r, v1::UnusedAccessResponse* out,
                      const std::string& token = "") {
    return server_->Call(token.empty() ? alice_ : token, &AdminService::Stub::ListUnusedAccess, r,
                         out);
  }
  v1::UnusedAccessResponse UnusedFor(int days) {
    v1::UnusedAccessRequest r;
    r.set_days(days);
    v1::UnusedAccessResponse out;
    grpc::Status st = Unused(r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }
  static const v1::PrincipalUnusedAccess* Of(const v1::UnusedAccessResponse& r,
                                             const std::string& name) {
    for (const auto& p : r.principals()) {
      if (p.name() == name) return &p;
    }
    return nullptr;
  }

  int64_t NowSeconds() { return absl::ToUnixSeconds(clock_.Now()); }

  std::unique_ptr<testing::TestDatabase> t_;
  Config config_;
  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestServer> server_;
  std::string acme_, alice_;
};

TEST_P(AccessActivityE2eTest, AllowsAreRecordedWithWhatAllowedThem) {
  const int64_t first = NowSeconds();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Check("bob", "s3:GetObject"), v1::ALLOW);
  clock_.Advance(absl::Minutes(5));
  EXPECT_EQ(Check("bob", "s3:GetObject"), v1::ALLOW);
  // Not uses: a deny, an explanation, a simulation.
  EXPECT_EQ(Check("bob", "s3:PutObject"), v1::IMPLICIT_DENY);
  EXPECT_EQ(Check(*server_, "bob", "s3:ListBucket", /*explain=*/true), v1::ALLOW);

  v1::AccessLastUsedResponse r = LastUsedOf(Named(v1::PrincipalName::USER, "bob"));
  EXPECT_EQ(r.principal_arn(), "arn:aws:iam::" + acme_ + ":user/bob");
  EXPECT_EQ(r.kind(), "user");
  EXPECT_EQ(r.tracked_since().seconds(), first);  // bob was created then
  ASSERT_EQ(r.services_size(), 1);
  EXPECT_EQ(r.services(0).service(), "s3");
  ASSERT_EQ(r.services(0).actions_size(), 1) << r.DebugString();
  const v1::ActionLastUsed& get = r.services(0).actions(0);
  EXPECT_EQ(get.action(), "s3:GetObject");
  EXPECT_EQ(get.uses(), 4);
  EXPECT_EQ(get.last_used_time().seconds(), first + 300);
  EXPECT_THAT(get.granted_by(), HasSubstr("ReadPhotos"));
  EXPECT_THAT(get.granted_by(), HasSubstr("(Read)"));

  // The admin API's own decisions are uses too: alice created bob.
  v1::AccessLastUsedResponse a = LastUsedOf(Named(v1::PrincipalName::USER, "alice"));
  ASSERT_NE(Find(a, "iam:CreateUser"), nullptr) << a.DebugString();
  EXPECT_THAT(Find(a, "iam:CreateUser")->granted_by(), HasSubstr("AdministratorAccess"));
}

TEST_P(AccessActivityE2eTest, RolesAndClientsHaveTheirOwn) {
  v1::CreateRoleRequest cr;
  cr.set_name("deployer");
  Ok(&AdminService::Stub::CreateRole, cr);
  Inline(Named(v1::PrincipalName::ROLE, "deployer"), "Deploy", "deploy:*");
  v1::AssignRoleRequest ar;
  ar.set_role("deployer");
  *ar.mutable_principal() = Named(v1::PrincipalName::USER, "bob");
  Ok(&AdminService::Stub::AssignRole, ar);
  EXPECT_EQ(Check("bob", "deploy:Run"), v1::ALLOW);
  EXPECT_EQ(Check("bob", "s3:GetObject"), v1::ALLOW);  // bob's own policy, not the role's

  v1::AccessLastUsedResponse role = LastUsedOf(Named(v1::PrincipalName::ROLE, "deployer"));
  EXPECT_EQ(role.kind(), "role");
  ASSERT_NE(Find(role, "deploy:Run"), nullptr);
  EXPECT_THAT(Find(role, "deploy:Run")->granted_by(), HasSubstr("Deploy"));
  EXPECT_EQ(Find(role, "s3:GetObject"), nullptr);
  v1::AccessLastUsedResponse bob = LastUsedOf(Named(v1::PrincipalName::USER, "bob"));
  EXPECT_NE(Find(bob, "deploy:Run"), nullptr);
  EXPECT_NE(Find(bob, "s3:GetObject"), nullptr);

  v1::CreateClientRequest cc;
  cc.set_client_id("reports");
  cc.set_metadata(R"({"grant_types":["client_credentials"]})");
  Ok(&AdminService::Stub::CreateClient, cc);
  Attach("ReadPhotos", Named(v1::PrincipalName::USER, "service-account-reports"));
  EXPECT_EQ(Check("service-account-reports", "s3:ListBucket"), v1::ALLOW);
  v1::AccessLastUsedRequest q;
  q.set_client_id("reports");
  v1::AccessLastUsedResponse client;
  ASSERT_RPC_OK(LastUsed(q, &client));
  EXPECT_EQ(client.kind(), "client");
  EXPECT_NE(Find(client, "s3:ListBucket"), nullptr);
  // A user is not a client.
  q.set_client_id("bob");
  EXPECT_EQ(LastUsed(q, &client).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(AccessActivityE2eTest, SurvivesARestartAndAddsUpAcrossReplicas) {
  auto replica = testing::TestServer::Start(config_, &clock_, &random_);
  ASSERT_NE(replica, nullptr);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(Check(*server_, "bob", "s3:GetObject"), v1::ALLOW);
  clock_.Advance(absl::Seconds(30));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Check(*replica, "bob", "s3:GetObject"), v1::ALLOW);
  const int64_t last = NowSeconds();
  // The replica merges on its timer; here, at once.
  ASSERT_TRUE(replica->server().access_activity()->Flush().ok());
  v1::AccessLastUsedResponse r = LastUsedOf(Named(v1::PrincipalName::USER, "bob"));
  ASSERT_NE(Find(r, "s3:GetObject"), nullptr);
  EXPECT_EQ(Find(r, "s3:GetObject")->uses(), 5);
  EXPECT_EQ(Find(r, "s3:GetObject")->last_used_time().seconds(), last);

  // What a server holds at shutdown is merged: nothing is lost by a restart.
  EXPECT_EQ(Check(*replica, "bob", "s3:ListBucket"), v1::ALLOW);
  replica.reset();
  server_.reset();
  server_ = testing::TestServer::Start(config_, &clock_, &random_);
  ASSERT_NE(server_, nullptr);
  r = LastUsedOf(Named(v1::PrincipalName::USER, "bob"));
  ASSERT_NE(Find(r, "s3:ListBucket"), nullptr) << r.DebugString();
  EXPECT_EQ(Find(r, "s3:GetObject")->uses(), 5);
}

TEST_P(AccessActivityE2eTest, UnusedAccessIsJudgedAfterTheWindow) {
  v1::CreatePolicyRequest cp;
  cp.set_name("Queues");
  cp.set_document(Doc({{{"Effect", "Allow"}, {"Action", "sqs:SendMessage"}, {"Resource", "*"}},
                       {{"Effect", "Deny"}, {"Action", "sqs:DeleteQueue"}, {"Resource", "*"}}}));
  Ok(&AdminService::Stub::CreatePolicy, cp);
  Attach("Queues", Named(v1::PrincipalName::USER, "bob"));
  v1::CreateGroupRequest cg;
  cg.set_name("ops");
  Ok(&AdminService::Stub::CreateGroup, cg);
  v1::AddGroupMemberRequest ag;
  ag.set_group("ops");
  ag.set_username("bob");
  Ok(&AdminService::Stub::AddGroupMember, ag);
  Inline(Named(v1::PrincipalName::GROUP, "ops"), "Logs", "logs:Get*");
  v1::CreateRoleRequest cr;
  cr.set_name("idle");
  Ok(&AdminService::Stub::CreateRole, cr);
  Inline(Named(v1::PrincipalName::ROLE, "idle"), "Compute", "ec2:*");
  const int64_t day0 = NowSeconds();
  EXPECT_EQ(Check("bob", "s3:ListBucket"), v1::ALLOW);

  // Nobody has been tracked for 90 days yet: nothing is judged.
  v1::UnusedAccessResponse early = UnusedFor(90);
  EXPECT_EQ(early.principals_size(), 0) << early.DebugString();
  EXPECT_GE(early.not_judged_size(), 3);

  clock_.Advance(absl::Hours(24 * 100));
  EXPECT_EQ(Check("bob", "s3:GetObject"), v1::ALLOW);
  EXPECT_EQ(Check("bob", "logs:GetLogEvents"), v1::ALLOW);
  v1::UnusedAccessResponse r = UnusedFor(90);
  EXPECT_EQ(r.days(), 90);
  const v1::PrincipalUnusedAccess* bob = Of(r, "bob");
  ASSERT_NE(bob, nullptr) << r.DebugString();
  EXPECT_FALSE(bob->inactive());
  std::map<std::string, v1::UnusedGrant> grants;
  for (const auto& g : bob->unused_grants()) grants[absl::AsciiStrToLower(g.action())] = g;
  // s3:ListBucket was used, but before the window; sqs:SendMessage never.
  ASSERT_EQ(grants.size(), 2u) << bob->DebugString();
  const v1::UnusedGrant& list = grants["s3:listbucket"];
  EXPECT_EQ(list.policy(), "arn:aws:iam::" + acme_ + ":policy/ReadPhotos");
  EXPECT_EQ(list.via(), "user");
  EXPECT_EQ(list.statement(), 0);
  EXPECT_EQ(list.sid(), "Read");
  EXPECT_EQ(list.last_used_time().seconds(), day0);
  const v1::UnusedGrant& send = grants["sqs:sendmessage"];
  EXPECT_EQ(send.service(), "sqs");
  EXPECT_FALSE(send.has_last_used_time());
  // Queues granted nothing bob used; ReadPhotos and the group's did.
  ASSERT_EQ(bob->unused_policies_size(), 1);
  EXPECT_EQ(bob->unused_policies(0).policy(), "arn:aws:iam::" + acme_ + ":policy/Queues");

  const v1::PrincipalUnusedAccess* idle = Of(r, "idle");
  ASSERT_NE(idle, nullptr);
  EXPECT_EQ(idle->kind(), "role");
  EXPECT_TRUE(idle->inactive());
  ASSERT_EQ(idle->unused_grants_size(), 1);
  EXPECT_EQ(idle->unused_grants(0).action(), "ec2:*");
  EXPECT_EQ(idle->unused_grants(0).via(), "role:idle");

  // One principal alone.
  v1::UnusedAccessRequest one;
  one.set_days(90);
  *one.mutable_principal() = Named(v1::PrincipalName::ROLE, "idle");
  v1::UnusedAccessResponse only;
  ASSERT_RPC_OK(Unused(one, &only));
  ASSERT_EQ(only.principals_size(), 1);
  EXPECT_EQ(only.principals(0).name(), "idle");
  // A shorter window than bob's last ListBucket: nothing unused of ReadPhotos.
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(Check("bob", "s3:ListBucket"), v1::ALLOW);
  EXPECT_EQ(Check("bob", "sqs:SendMessage"), v1::ALLOW);
  v1::UnusedAccessResponse later = UnusedFor(1);
  EXPECT_EQ(Of(later, "bob"), nullptr) << later.DebugString();
}

TEST_P(AccessActivityE2eTest, ReportsAreAuditedAndBadRequestsRefused) {
  EXPECT_EQ(Check("bob", "s3:GetObject"), v1::ALLOW);
  LastUsedOf(Named(v1::PrincipalName::USER, "bob"));
  UnusedFor(30);
  auto channel =
      grpc::CreateChannel(server_->server().address(), grpc::InsecureChannelCredentials());
  auto audit = v1::AuditService::NewStub(channel);
  for (const char* action : {"iam:GetAccessLastUsed", "iam:ListUnusedAccess"}) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + alice_);
    v1::QueryAuditRequest q;
    q.mutable_filter()->set_action(action);
    v1::QueryAuditResponse out;
    ASSERT_RPC_OK(audit->QueryAudit(&ctx, q, &out));
    ASSERT_EQ(out.records_size(), 1) << action;
    EXPECT_EQ(out.records(0).result(), "success");
  }

  auto code = [&](v1::AccessLastUsedRequest r, const std::string& token = "") {
    v1::AccessLastUsedResponse out;
    return LastUsed(r, &out, nullptr, token).error_code();
  };
  v1::AccessLastUsedRequest r;
  EXPECT_EQ(code(r), grpc::StatusCode::INVALID_ARGUMENT);  // no principal
  *r.mutable_principal() = Named(v1::PrincipalName::GROUP, "ops");
  EXPECT_EQ(code(r), grpc::StatusCode::INVALID_ARGUMENT);  // groups make no decisions
  *r.mutable_principal() = Named(v1::PrincipalName::USER, "bob");
  r.set_client_id("reports");
  EXPECT_EQ(code(r), grpc::StatusCode::INVALID_ARGUMENT);  // two principals
  r.clear_client_id();
  *r.mutable_principal() = Named(v1::PrincipalName::USER, "bob' OR '1'='1");
  EXPECT_EQ(code(r), grpc::StatusCode::NOT_FOUND);
  *r.mutable_principal() = Named(v1::PrincipalName::USER, std::string("b\xff\xfe", 3));
  EXPECT_EQ(code(r), grpc::StatusCode::INVALID_ARGUMENT);
  *r.mutable_principal() = Named(v1::PrincipalName::USER, std::string(5000, 'a'));
  EXPECT_EQ(code(r), grpc::StatusCode::INVALID_ARGUMENT);
  // Another account's user is as unknown as one that does not exist.
  auto [globex, gina] = server_->CreateAccount("globex", "gina");
  *r.mutable_principal() = Named(v1::PrincipalName::USER, "gina");
  EXPECT_EQ(code(r), grpc::StatusCode::NOT_FOUND);
  r.set_account_id(globex);
  EXPECT_EQ(code(r), grpc::StatusCode::NOT_FOUND);
  // bob may not read it (ReadPhotos grants no iam:GetAccessLastUsed).
  v1::CreateAccessKeyRequest ck;
  ck.set_username("bob");
  v1::CreateAccessKeyResponse key;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateAccessKey, ck, &key));
  r.clear_account_id();
  *r.mutable_principal() = Named(v1::PrincipalName::USER, "bob");
  EXPECT_EQ(code(r, key.token()), grpc::StatusCode::PERMISSION_DENIED);

  for (int days : {0, -1, 366, 1 << 30}) {
    v1::UnusedAccessRequest u;
    u.set_days(days);
    v1::UnusedAccessResponse out;
    EXPECT_EQ(Unused(u, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT) << days;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, AccessActivityE2eTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite ? "sqlite" : "mysql";
                         });

}  // namespace
}  // namespace iam::e2e
