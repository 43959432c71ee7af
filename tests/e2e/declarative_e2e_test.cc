// Declarative accounts end to end through a real gRPC server, on both
// stores: an account set up call by call is exported and applied to an
// empty account, whose export is then the same document; a dry run changes
// nothing; a refusal anywhere leaves the account as it was; two applies of
// different documents at once leave one of them whole, never a mix.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "iam/v1/admin_service.grpc.pb.h"
#include "tests/support/server_test.h"
#include "tests/support/rpc_matchers.h"

namespace iam::e2e {
namespace {

using store::Backend;
using v1::AdminService;
using nlohmann::json;

constexpr char kReadPhotos[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],)"
    R"("Resource":"arn:aws:s3:::photos/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"photos"}}}]})";

class DeclarativeE2eTest : public testing::ServerTest {
 protected:
  template <typename Req, typename Resp>
  void Ok(const std::string& token,
          grpc::Status (AdminService::Stub::*m)(grpc::ClientContext*, const Req&, Resp*),
          const Req& req) {
    Resp resp;
    grpc::Status s = server_->Call(token, m, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  static v1::PrincipalName Principal(v1::PrincipalName::Type type, const std::string& name) {
    v1::PrincipalName p;
    p.set_type(type);
    p.set_name(name);
    return p;
  }

  // acme, set up one call at a time.
  void SetUpAcme() {
    v1::CreatePolicyRequest cp;
    cp.set_name("ReadPhotos");
    cp.set_description("read the photos bucket");
    cp.set_document(kReadPhotos);
    Ok(alice_, &AdminService::Stub::CreatePolicy, cp);
    for (const char* name : {"bob", "carol"}) {
      v1::CreateUserRequest cu;
      cu.set_username(name);
      cu.set_display_name(std::string(name) + " 雪");
      cu.set_email(std::string(name) + "@example.com");
      Ok(alice_, &AdminService::Stub::CreateUser, cu);
    }
    v1::CreateGroupRequest cg;
    cg.set_name("devs");
    Ok(alice_, &AdminService::Stub::CreateGroup, cg);
    v1::AddGroupMemberRequest am;
    am.set_group("devs");
    am.set_username("bob");
    Ok(alice_, &AdminService::Stub::AddGroupMember, am);
    v1::AttachPolicyRequest ap;
    ap.set_policy("ReadPhotos");
    *ap.mutable_principal() = Principal(v1::PrincipalName::GROUP, "devs");
    Ok(alice_, &AdminService::Stub::AttachPolicy, ap);
    v1::InlinePolicyRequest ip;
    *ip.mutable_principal() = Principal(v1::PrincipalName::USER, "carol");
    ip.set_policy_name("Own");
    ip.set_document(kReadPhotos);
    Ok(alice_, &AdminService::Stub::PutInlinePolicy, ip);
    v1::TagPrincipalRequest tp;
    *tp.mutable_principal() = Principal(v1::PrincipalName::USER, "bob");
    auto* tag = tp.add_tags();
    tag->set_key("team");
    tag->set_value("photos");
    Ok(alice_, &AdminService::Stub::TagPrincipal, tp);
    for (const char* role : {"approver", "requester"}) {
      v1::CreateRoleRequest cr;
      cr.set_name(role);
      Ok(alice_, &AdminService::Stub::CreateRole, cr);
    }
    v1::AssignRoleRequest ar;
    ar.set_role("approver");
    *ar.mutable_principal() = Principal(v1::PrincipalName::GROUP, "devs");
    Ok(alice_, &AdminService::Stub::AssignRole, ar);
    v1::CreateClientRequest cc;
    cc.set_client_id("reports");
    cc.set_metadata(R"({"grant_types":["client_credentials"],"scope":"reports.read"})");
    Ok(alice_, &AdminService::Stub::CreateClient, cc);
    v1::AttachPolicyRequest sa;
    sa.set_policy("ReadPhotos");
    *sa.mutable_principal() = Principal(v1::PrincipalName::USER, "service-account-reports");
    Ok(alice_, &AdminService::Stub::AttachPolicy, sa);
    v1::CreateSodRuleRequest sod;
    sod.set_name("split");
    sod.add_roles("approver");
    sod.add_roles("requester");
    Ok(alice_, &AdminService::Stub::CreateSodRule, sod);
  }

  json Export(const std::string& token) {
    v1::ExportAccountConfigurationRequest q;
    v1::AccountConfiguration r;
    grpc::Status s = server_->Call(token, &AdminService::Stub::ExportAccountConfiguration, q, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return json::parse(r.document());
  }

  grpc::Status Apply(const std::string& token, const json& doc, bool dry_run,
                     v1::ApplyAccountConfigurationResponse* r) {
    v1::ApplyAccountConfigurationRequest q;
    q.set_document(doc.dump());
    q.set_dry_run(dry_run);
    return server_->Call(token, &AdminService::Stub::ApplyAccountConfiguration, q, r);
  }
};

TEST_P(DeclarativeE2eTest, ExportApplyToAnEmptyAccountExportIsTheSame) {
  ASSERT_NO_FATAL_FAILURE(SetUpAcme());
  const json acme = Export(alice_);
  ASSERT_EQ(acme["kind"], "iam.account/v1");
  EXPECT_EQ(acme.dump().find("example.com"), std::string::npos) << "a person's email exported";
  auto [globex, gina] = server_->CreateAccount("globex", "alice");
  (void)globex;

  v1::ApplyAccountConfigurationResponse plan;
  ASSERT_RPC_OK(Apply(gina, acme, /*dry_run=*/true, &plan));
  EXPECT_FALSE(plan.applied());
  EXPECT_GT(plan.changes_size(), 10);
  EXPECT_NE(Export(gina), acme) << "the dry run changed the account";

  v1::ApplyAccountConfigurationResponse done;
  ASSERT_RPC_OK(Apply(gina, acme, /*dry_run=*/false, &done));
  EXPECT_TRUE(done.applied());
  EXPECT_EQ(done.changes_size(), plan.changes_size());
  EXPECT_EQ(Export(gina), acme);

  // Idempotent: nothing left to do.
  v1::ApplyAccountConfigurationResponse again;
  ASSERT_RPC_OK(Apply(gina, acme, false, &again));
  EXPECT_EQ(again.changes_size(), 0);
}

TEST_P(DeclarativeE2eTest, ARefusalAnywhereLeavesTheAccountAsItWas) {
  ASSERT_NO_FATAL_FAILURE(SetUpAcme());
  const json before = Export(alice_);
  json doc = before;
  doc["users"].push_back({{"username", "dave"}, {"display_name", "Dave"}});
  doc["roles"][0]["members"].push_back("user:carol");  // carol joins approver
  // ...and requester too: the rule "split" forbids holding both, which
  // only the last steps of the plan find out.
  doc["roles"][1]["members"] = {"user:carol"};
  v1::ApplyAccountConfigurationResponse r;
  grpc::Status s = Apply(alice_, doc, false, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_NE(s.error_message().find("nothing was changed"), std::string::npos) << s.error_message();
  EXPECT_EQ(Export(alice_), before);

  // Hostile input: refused before anything runs, naming the place.
  for (const auto& [text, says] : std::vector<std::pair<std::string, std::string>>{
           {"{", "document"},
           {R"({"kind":"iam.account/v1","users":[{"username":"x","password":"p"}]})",
            "users[x].password: unknown field"},
           {R"({"kind":"iam.account/v1","users":[{"username":"x"},{"username":"x"}]})",
            "listed twice"},
           {std::string(R"({"kind":"iam.account/v1","users":[{"username":")") + "\xff\xfe" +
                R"("}]})",
            "UTF-8"},
       }) {
    v1::ApplyAccountConfigurationRequest q;
    q.set_document(text);
    grpc::Status bad = server_->Call(alice_, &AdminService::Stub::ApplyAccountConfiguration, q, &r);
    EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << text;
    EXPECT_NE(bad.error_message().find(says), std::string::npos) << bad.error_message();
  }
  // Another account is not alice's to read or change, nor known to exist;
  // a malformed account id is said so.
  auto [globex, gina] = server_->CreateAccount("globex", "gina");
  (void)gina;
  for (const std::string& account : {globex, std::string("999999999999")}) {
    v1::ExportAccountConfigurationRequest eq;
    eq.set_account_id(account);
    v1::AccountConfiguration er;
    EXPECT_EQ(server_->Call(alice_, &AdminService::Stub::ExportAccountConfiguration, eq, &er)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
    v1::ApplyAccountConfigurationRequest aq;
    aq.set_account_id(account);
    aq.set_document(before.dump());
    EXPECT_EQ(server_->Call(alice_, &AdminService::Stub::ApplyAccountConfiguration, aq, &r)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  v1::ExportAccountConfigurationRequest bad_id;
  bad_id.set_account_id("12' OR '1'='1");
  v1::AccountConfiguration er;
  EXPECT_EQ(server_->Call(alice_, &AdminService::Stub::ExportAccountConfiguration, bad_id, &er)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Past gRPC's 4 MiB message limit: refused before any of it is read.
  v1::ApplyAccountConfigurationRequest huge;
  huge.set_document(std::string(5 * 1024 * 1024, ' '));
  EXPECT_EQ(server_->Call(alice_, &AdminService::Stub::ApplyAccountConfiguration, huge, &r)
                .error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Export(alice_), before);
}

TEST_P(DeclarativeE2eTest, TwoAppliesAtOnceLeaveOneDocumentWhole) {
  ASSERT_NO_FATAL_FAILURE(SetUpAcme());
  const json base = Export(alice_);
  json a = base, b = base;
  for (int i = 0; i < 20; ++i) {
    a["users"].push_back({{"username", "a" + std::to_string(i)}});
    b["users"].push_back({{"username", "b" + std::to_string(i)}});
  }
  // In the order an export lists them.
  for (json* doc : {&a, &b}) {
    std::sort((*doc)["users"].begin(), (*doc)["users"].end(),
              [](const json& x, const json& y) { return x["username"] < y["username"]; });
  }
  grpc::Status sa, sb;
  v1::ApplyAccountConfigurationResponse ra, rb;
  std::thread ta([&] { sa = Apply(alice_, a, false, &ra); });
  std::thread tb([&] { sb = Apply(alice_, b, false, &rb); });
  ta.join();
  tb.join();
  ASSERT_TRUE(sa.ok() || sb.ok()) << sa.error_message() << " / " << sb.error_message();
  const json now = Export(alice_);
  // Whichever ran last converged the account to its document, whole.
  EXPECT_TRUE(now == a || now == b) << now.dump(1);
}

INSTANTIATE_TEST_SUITE_P(Backends, DeclarativeE2eTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
