// The audit log end to end through a real gRPC server, on both stores:
// searching (every filter, paging newest first), streaming export (whole,
// and recorded with its filter and count), chain verification naming the
// exact record someone altered, inserted or removed in the database
// directly, tenant isolation, and hostile input.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/str_cat.h"
#include "iam/audit/decision_log.h"
#include "iam/v1/audit_service.grpc.pb.h"
#include "tests/support/rpc_matchers.h"
#include "tests/support/server_test.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::e2e {
namespace {

using google::protobuf::util::TimeUtil;
using store::Backend;
using v1::AdminService;
using v1::AuditService;

class AuditE2eTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    auto channel =
        grpc::CreateChannel(server_->server().address(), grpc::InsecureChannelCredentials());
    audit_ = AuditService::NewStub(channel);
    std::tie(globex_, gina_) = server_->CreateAccount("globex", "gina");
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", "Bearer " + token);
    return ctx;
  }

  void CreateUser(const std::string& name) {
    v1::CreateUserRequest r;
    r.set_username(name);
    v1::User u;
    ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateUser, r, &u));
  }

  grpc::Status Query(const std::string& token, const v1::QueryAuditRequest& q,
                     v1::QueryAuditResponse* out) {
    return audit_->QueryAudit(As(token).get(), q, out);
  }

  // Every matching record of acme, paging through with page_size.
  std::vector<v1::AuditRecord> All(v1::AuditFilter f, int page_size = 1000) {
    v1::QueryAuditRequest q;
    *q.mutable_filter() = f;
    q.set_page_size(page_size);
    std::vector<v1::AuditRecord> out;
    do {
      v1::QueryAuditResponse r;
      grpc::Status s = Query(alice_, q, &r);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      out.insert(out.end(), r.records().begin(), r.records().end());
      q.set_page_token(r.next_page_token());
    } while (!q.page_token().empty());
    return out;
  }

  std::pair<grpc::Status, std::vector<v1::AuditRecord>> Export(const std::string& token,
                                                               const v1::ExportAuditRequest& q) {
    auto ctx = As(token);
    auto reader = audit_->ExportAudit(ctx.get(), q);
    std::vector<v1::AuditRecord> out;
    v1::AuditRecord r;
    while (reader->Read(&r)) out.push_back(r);
    return {reader->Finish(), out};
  }

  // Verified by the account's own admin.
  v1::VerifyAuditResponse Verify(const std::string& account) {
    v1::VerifyAuditRequest q;
    v1::VerifyAuditResponse r;
    grpc::Status s = audit_->VerifyAudit(As(account == acme_ ? alice_ : gina_).get(), q, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  }

  std::unique_ptr<AuditService::Stub> audit_;
  std::string globex_, gina_;
};

TEST_P(AuditE2eTest, FiltersAndPagesNewestFirst) {
  CreateUser("bob");
  clock_.Advance(absl::Hours(1));
  const absl::Time later = clock_.Now();
  CreateUser("carol");
  v1::CreateGroupRequest cg;
  cg.set_name("devs");
  v1::Group g;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateGroup, cg, &g));

  const std::vector<v1::AuditRecord> all = All({});
  ASSERT_GE(all.size(), 4u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_EQ(all[i].seq(), all[i - 1].seq() - 1);
  for (const auto& r : all) EXPECT_EQ(r.account_id(), acme_);
  EXPECT_EQ(all[0].action(), "iam:CreateGroup");
  EXPECT_EQ(all[0].object_id(), g.id());
  EXPECT_EQ(nlohmann::json::parse(all[0].detail_json())["name"], "devs");
  EXPECT_EQ(all[0].actor(), "arn:aws:iam::" + acme_ + ":user/alice");
  EXPECT_EQ(all[0].source_ip(), "127.0.0.1");
  EXPECT_EQ(all[0].hash().size(), 64u);
  EXPECT_EQ(all[0].prev_hash(), all[1].hash());

  // Paging three at a time gives the same records, none twice.
  const std::vector<v1::AuditRecord> paged = All({}, 3);
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(paged[i].seq(), all[i].seq());

  v1::AuditFilter f;
  f.set_action("iam:CreateUser");
  EXPECT_EQ(All(f).size(), 2u);
  f.set_action("iam:Create*");
  const auto created = All(f);
  ASSERT_EQ(created.size(), 4u);
  EXPECT_EQ(created.back().action(), "iam:CreateAccount");  // by the system admin
  f.Clear();
  f.set_actor("alice");  // a username of the account
  EXPECT_EQ(All(f).size(), 3u);
  f.set_actor("arn:aws:iam::" + acme_ + ":user/alice");
  EXPECT_EQ(All(f).size(), 3u);
  f.set_actor("bob");
  EXPECT_TRUE(All(f).empty());
  f.Clear();
  f.set_object_id(g.id());
  ASSERT_EQ(All(f).size(), 1u);
  f.Clear();
  f.set_object_type("group");
  EXPECT_EQ(All(f).size(), 1u);
  f.Clear();
  *f.mutable_start_time() = TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(later));
  EXPECT_EQ(All(f).size(), 2u);  // carol and devs
  f.Clear();
  *f.mutable_end_time() = TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(later));
  EXPECT_EQ(All(f).size(), all.size() - 2);
  f.Clear();
  f.set_result("denied");
  EXPECT_TRUE(All(f).empty());
  f.set_result("success");
  f.set_source_ip("127.0.0.1");
  EXPECT_EQ(All(f).size(), all.size());
  f.set_source_ip("192.0.2.1");
  EXPECT_TRUE(All(f).empty());
}

TEST_P(AuditE2eTest, RefusalsAreRecordedAndSearchable) {
  CreateUser("bob");
  v1::CreateAccessKeyRequest ck;
  ck.set_username("bob");
  v1::CreateAccessKeyResponse key;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateAccessKey, ck, &key));
  v1::CreateUserRequest cu;
  cu.set_username("mallory");
  v1::User u;
  EXPECT_EQ(server_->Call(key.token(), &AdminService::Stub::CreateUser, cu, &u).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // bob may not read the log either.
  v1::QueryAuditResponse r;
  EXPECT_RPC(Query(key.token(), {}, &r), grpc::StatusCode::PERMISSION_DENIED);
  v1::AuditFilter f;
  f.set_result("denied");
  const auto denied = All(f);
  ASSERT_EQ(denied.size(), 2u);
  EXPECT_EQ(denied[1].action(), "iam:CreateUser");
  EXPECT_EQ(denied[0].action(), "audit:ListRecords");
  EXPECT_EQ(denied[0].actor(), "arn:aws:iam::" + acme_ + ":user/bob");
}

TEST_P(AuditE2eTest, ReadOnlyAccessSearchesButDoesNotExport) {
  CreateUser("auditor");
  v1::AttachPolicyRequest ap;
  ap.set_policy("arn:aws:iam::aws:policy/ReadOnlyAccess");
  ap.mutable_principal()->set_type(v1::PrincipalName::USER);
  ap.mutable_principal()->set_name("auditor");
  v1::AttachPolicyResponse apr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AttachPolicy, ap, &apr));
  v1::CreateAccessKeyRequest ck;
  ck.set_username("auditor");
  v1::CreateAccessKeyResponse key;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateAccessKey, ck, &key));
  v1::QueryAuditResponse r;
  ASSERT_RPC_OK(Query(key.token(), {}, &r));
  EXPECT_GT(r.records_size(), 0);
  auto [status, records] = Export(key.token(), {});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(records.empty());
}

TEST_P(AuditE2eTest, TenantIsolation) {
  CreateUser("bob");
  v1::QueryAuditRequest q;
  q.set_account_id(acme_);
  v1::QueryAuditResponse r;
  EXPECT_RPC(Query(gina_, q, &r), grpc::StatusCode::NOT_FOUND);
  v1::ExportAuditRequest e;
  e.set_account_id(acme_);
  auto [status, records] = Export(gina_, e);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(records.empty());
  v1::VerifyAuditRequest v;
  v.set_account_id(acme_);
  v1::VerifyAuditResponse vr;
  EXPECT_RPC(audit_->VerifyAudit(As(gina_).get(), v, &vr), grpc::StatusCode::NOT_FOUND);
  // A page token of one account's search does not open another's.
  q.set_account_id("");
  q.set_page_size(1);
  ASSERT_RPC_OK(Query(alice_, q, &r));
  ASSERT_FALSE(r.next_page_token().empty());
  q.set_page_token(r.next_page_token());
  v1::QueryAuditResponse theirs;
  ASSERT_RPC_OK(Query(gina_, q, &theirs));
  for (const auto& rec : theirs.records()) EXPECT_EQ(rec.account_id(), globex_);
  // Their own log only; the system account's admin manages accounts, not
  // their contents.
  ASSERT_RPC_OK(Query(gina_, {}, &r));
  for (const auto& rec : r.records()) EXPECT_EQ(rec.account_id(), globex_);
  q.Clear();
  q.set_account_id(acme_);
  EXPECT_RPC(Query(server_->root_token(), q, &r), grpc::StatusCode::NOT_FOUND);
}

TEST_P(AuditE2eTest, ExportStreamsEveryRecordAndIsItselfRecorded) {
  for (int i = 0; i < 30; ++i) CreateUser("user" + std::to_string(i));
  v1::ExportAuditRequest q;
  auto [status, records] = Export(alice_, q);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GE(records.size(), 31u);
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].seq(), int64_t(i + 1));

  v1::AuditFilter f;
  f.set_action("audit:ExportRecords");
  auto logged = All(f);
  ASSERT_EQ(logged.size(), 1u);
  nlohmann::json d = nlohmann::json::parse(logged[0].detail_json());
  EXPECT_EQ(d["records"], records.size());
  EXPECT_EQ(d["complete"], true);
  EXPECT_EQ(logged[0].actor(), "arn:aws:iam::" + acme_ + ":user/alice");

  // A filtered export says what it kept.
  q.mutable_filter()->set_action("iam:CreateUser");
  q.mutable_filter()->set_object_type("user");
  auto [s2, users] = Export(alice_, q);
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(users.size(), 30u);
  logged = All(f);
  ASSERT_EQ(logged.size(), 2u);
  d = nlohmann::json::parse(logged[0].detail_json());
  EXPECT_EQ(d["records"], 30);
  EXPECT_EQ(d["filter"]["action"], "iam:CreateUser");
  EXPECT_TRUE(Verify(acme_).intact());
}

TEST_P(AuditE2eTest, VerifyNamesTheRecordAlteredInsertedOrRemoved) {
  for (int i = 0; i < 6; ++i) CreateUser("user" + std::to_string(i));
  v1::VerifyAuditResponse v = Verify(acme_);
  ASSERT_TRUE(v.intact()) << v.problem();
  ASSERT_EQ(v.records(), 7);  // the account's creation, then six users

  // Someone with direct database access lifts the guard and edits record 4.
  Sql("DROP TRIGGER audit_log_no_update");
  Sql(absl::StrCat("UPDATE audit_log SET detail = '{\"username\":\"nobody\"}' WHERE account_id = '",
                   acme_, "' AND seq = 4"));
  v = Verify(acme_);
  EXPECT_FALSE(v.intact());
  EXPECT_EQ(v.first_bad_seq(), 4) << v.problem();
  EXPECT_TRUE(Verify(globex_).intact());  // other chains are untouched

  // Removing a record before it is named first.
  Sql("DROP TRIGGER audit_log_no_delete");
  Sql(absl::StrCat("DELETE FROM audit_log WHERE account_id = '", acme_, "' AND seq = 3"));
  v = Verify(acme_);
  EXPECT_FALSE(v.intact());
  EXPECT_EQ(v.first_bad_seq(), 3) << v.problem();
}

TEST_P(AuditE2eTest, RecordsInsertedOrCutFromTheEndAreNamed) {
  for (int i = 0; i < 3; ++i) CreateUser("user" + std::to_string(i));
  // A forged record appended with a made-up hash.
  Sql(absl::StrCat(
      "INSERT INTO audit_log (account_id, seq, at, actor, action, object_type, object_id, "
      "source_ip, user_agent, result, detail, prev_hash, hash) VALUES ('",
      acme_, "', 5, 1, 'iamd', 'iam:Nothing', 'user', 'x', '', '', 'success', '{}', 'ab', 'cd')"));
  v1::VerifyAuditResponse v = Verify(acme_);
  EXPECT_FALSE(v.intact());
  EXPECT_EQ(v.first_bad_seq(), 5) << v.problem();

  Sql("DROP TRIGGER audit_log_no_delete");
  Sql(absl::StrCat("DELETE FROM audit_log WHERE account_id = '", acme_, "' AND seq >= 4"));
  v = Verify(acme_);
  EXPECT_FALSE(v.intact());
  EXPECT_EQ(v.first_bad_seq(), 4) << v.problem();  // the head still says 4
}

TEST_P(AuditE2eTest, RetentionPurgesBehindACheckpointThatStillVerifies) {
  v1::SetAccountPolicyRequest sp;
  sp.set_kind("audit");
  sp.set_document(R"({"retention_days":30,"decision_log":"none","decision_sample_percent":1})");
  v1::AccountPolicy p;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, sp, &p));
  for (int i = 0; i < 5; ++i) CreateUser("old" + std::to_string(i));
  const int64_t old_head = All({}).front().seq();
  clock_.Advance(absl::Hours(24 * 31));
  CreateUser("new0");
  server_->server().RunMaintenance();

  v1::VerifyAuditResponse v = Verify(acme_);
  ASSERT_TRUE(v.intact()) << v.first_bad_seq() << ": " << v.problem();
  const auto all = All({});
  EXPECT_EQ(all.back().seq(), old_head + 1);  // everything older is gone
  ASSERT_EQ(all.front().action(), "audit:PurgeRecords");
  const nlohmann::json d = nlohmann::json::parse(all.front().detail_json());
  EXPECT_EQ(d["through_seq"], old_head);
  EXPECT_EQ(d["records"], old_head);
  EXPECT_EQ(d["cut_hash"], all.back().prev_hash());
  EXPECT_TRUE(Verify(globex_).intact());  // globex keeps 180 days
  v1::AuditFilter gf;
  v1::QueryAuditRequest gq;
  v1::QueryAuditResponse gr;
  ASSERT_RPC_OK(Query(gina_, gq, &gr));
  EXPECT_EQ(gr.records(gr.records_size() - 1).seq(), 1);

  // Nothing else may delete: the triggers still refuse, below and above the mark.
  const std::string del = absl::StrCat("DELETE FROM audit_log WHERE account_id = '", acme_,
                                       "' AND seq = ", old_head + 1);
  EXPECT_FALSE(
      t_->db()
          .Transact(store::TxMode::kWrite, [&](store::Tx& tx) { return tx.Exec(del, {}).status(); })
          .ok());
  EXPECT_FALSE(t_->db()
                   .Transact(store::TxMode::kWrite,
                             [&](store::Tx& tx) {
                               return tx
                                   .Exec(absl::StrCat("UPDATE audit_log SET actor = 'x' "
                                                      "WHERE account_id = '",
                                                      acme_, "'"),
                                         {})
                                   .status();
                             })
                   .ok());

  // A second purge later leaves a newer checkpoint; the chain still holds.
  clock_.Advance(absl::Hours(24 * 31));
  CreateUser("new1");
  server_->server().RunMaintenance();
  v = Verify(acme_);
  EXPECT_TRUE(v.intact()) << v.first_bad_seq() << ": " << v.problem();

  // Someone who moves the mark to delete more is caught at the first gap.
  const auto now = All({});
  const int64_t first = now.back().seq();
  Sql(absl::StrCat("UPDATE audit_purges SET through_seq = ", first, " WHERE account_id = '", acme_,
                   "'"));
  Sql(absl::StrCat("DELETE FROM audit_log WHERE account_id = '", acme_, "' AND seq = ", first));
  v = Verify(acme_);
  EXPECT_FALSE(v.intact());
  EXPECT_EQ(v.first_bad_seq(), first) << v.problem();
}

TEST_P(AuditE2eTest, UsersSeeTheirOwnLoginsWithEveryField) {
  CreateUser("bob");
  v1::SetUserPasswordRequest sp;
  sp.set_username("bob");
  sp.set_password("quiet-meadow-lantern");
  sp.set_permanent(true);
  v1::SetUserPasswordResponse spr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::SetUserPassword, sp, &spr));
  auto login = [&](const std::string& password) {
    v1::LoginRequest r;
    r.set_account(acme_);
    r.set_username("bob");
    r.set_password(password);
    r.set_client_type("mobile");
    r.set_device_id("phone-7");
    grpc::ClientContext ctx;
    v1::LoginResponse out;
    EXPECT_TRUE(server_->auth().Login(&ctx, r, &out).ok());
    return out;
  };
  EXPECT_EQ(login("wrong-password-entirely").status(), v1::LOGIN_STATUS_FAILED);
  clock_.Advance(absl::Seconds(5));
  const v1::LoginResponse ok = login("quiet-meadow-lantern");
  ASSERT_EQ(ok.status(), v1::LOGIN_STATUS_SUCCESS);

  v1::ListMyLoginsRequest q;
  v1::ListMyLoginsResponse r;
  ASSERT_RPC_OK(audit_->ListMyLogins(As(ok.tokens().access_token()).get(), q, &r));
  ASSERT_EQ(r.logins_size(), 2);
  const v1::AuditRecord& last = r.logins(0);
  const v1::AuditRecord& failed = r.logins(1);
  EXPECT_EQ(last.result(), "success");
  EXPECT_EQ(failed.result(), "failure");
  for (const auto* l : {&last, &failed}) {
    EXPECT_EQ(l->action(), "sts:Login");
    EXPECT_EQ(l->actor(), "arn:aws:iam::" + acme_ + ":user/bob");
    EXPECT_EQ(l->source_ip(), "127.0.0.1");
    EXPECT_FALSE(l->user_agent().empty());
    const nlohmann::json d = nlohmann::json::parse(l->detail_json());
    EXPECT_EQ(d["client_type"], "mobile");
    EXPECT_EQ(d["device_id"], "phone-7");
    EXPECT_EQ(d["username"], "bob");
  }
  EXPECT_EQ(TimeUtil::TimestampToSeconds(last.time()) - TimeUtil::TimestampToSeconds(failed.time()),
            5);
  EXPECT_EQ(nlohmann::json::parse(failed.detail_json())["reason"], "wrong password");

  // alice has none; bob's are not hers. A limit bounds the answer.
  ASSERT_RPC_OK(audit_->ListMyLogins(As(alice_).get(), q, &r));
  EXPECT_EQ(r.logins_size(), 0);
  q.set_limit(1);
  ASSERT_RPC_OK(audit_->ListMyLogins(As(ok.tokens().access_token()).get(), q, &r));
  EXPECT_EQ(r.logins_size(), 1);
  q.set_limit(101);
  EXPECT_RPC(audit_->ListMyLogins(As(ok.tokens().access_token()).get(), q, &r),
             grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(AuditE2eTest, DecisionsAreRecordedAsEachAccountChooses) {
  CreateUser("bob");
  v1::InlinePolicyRequest put;
  put.mutable_principal()->set_type(v1::PrincipalName::USER);
  put.mutable_principal()->set_name("bob");
  put.set_policy_name("Read");
  put.set_document(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})");
  v1::InlinePolicyResponse pr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::PutInlinePolicy, put, &pr));
  auto set_mode = [&](const std::string& mode, int percent = 1) {
    v1::SetAccountPolicyRequest sp;
    sp.set_kind("audit");
    sp.set_document(nlohmann::json{
        {"retention_days", 180}, {"decision_log", mode}, {"decision_sample_percent", percent}}
                        .dump());
    v1::AccountPolicy p;
    ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, sp, &p));
  };
  auto check = [&](const std::string& action) {
    v1::CheckRequest r;
    r.mutable_principal()->set_username("bob");
    r.set_action(action);
    r.set_resource("arn:aws:s3:::photos/a.jpg");
    r.set_source_ip("10.1.2.3");
    v1::CheckResponse out;
    EXPECT_TRUE(server_->CallAuthz(alice_, &v1::AuthzService::Stub::Check, r, &out).ok());
  };
  auto decisions = [&] {
    server_->server().decision_log().Flush();
    v1::AuditFilter f;
    f.set_action("authz:Decision");
    return All(f);
  };

  check("s3:GetObject");
  check("s3:PutObject");
  EXPECT_TRUE(decisions().empty());  // the default: none

  set_mode("denies");
  check("s3:GetObject");
  check("s3:PutObject");
  auto got = decisions();
  ASSERT_EQ(got.size(), 1u);
  const v1::AuditRecord& d = got[0];
  EXPECT_EQ(d.actor(), "arn:aws:iam::" + acme_ + ":user/bob");
  EXPECT_EQ(d.object_type(), "resource");
  EXPECT_EQ(d.object_id(), "arn:aws:s3:::photos/a.jpg");
  EXPECT_EQ(d.result(), "denied");
  EXPECT_EQ(d.source_ip(), "127.0.0.1");
  const nlohmann::json detail = nlohmann::json::parse(d.detail_json());
  EXPECT_EQ(detail["action"], "s3:PutObject");
  EXPECT_EQ(detail["decision"], "ImplicitDeny");
  EXPECT_EQ(detail["caller"], "arn:aws:iam::" + acme_ + ":user/alice");
  EXPECT_EQ(detail["source_ip"], "10.1.2.3");
  EXPECT_FALSE(detail["reasons"].empty());

  set_mode("all");
  check("s3:GetObject");
  v1::BatchCheckRequest batch;
  batch.mutable_principal()->set_username("bob");
  for (int i = 0; i < 50; ++i) {
    v1::CheckRequest* c = batch.add_checks();
    c->set_action(i % 2 ? "s3:GetObject" : "s3:DeleteObject");
    c->set_resource("arn:aws:s3:::photos/" + std::to_string(i));
  }
  v1::BatchCheckResponse br;
  ASSERT_RPC_OK(server_->CallAuthz(alice_, &v1::AuthzService::Stub::BatchCheck, batch, &br));
  got = decisions();
  ASSERT_EQ(got.size(), 52u);
  // Newest first: the batch in reverse order, then the single check.
  EXPECT_EQ(nlohmann::json::parse(got[0].detail_json())["action"], "s3:GetObject");
  EXPECT_EQ(got[0].object_id(), "arn:aws:s3:::photos/49");
  EXPECT_EQ(got[1].result(), "denied");
  EXPECT_EQ(got[50].result(), "allowed");
  EXPECT_EQ(got[50].object_id(), "arn:aws:s3:::photos/a.jpg");

  set_mode("sampled", 100);
  check("s3:GetObject");
  EXPECT_EQ(decisions().size(), 53u);
  set_mode("sampled", 1);
  for (int i = 0; i < 200; ++i) check("s3:GetObject");
  EXPECT_LE(decisions().size(), 53u + 20u);  // about 2 of 200

  // Explanations and simulations are not decisions anyone acted on.
  set_mode("all");
  v1::ExplainRequest ex;
  ex.mutable_check()->mutable_principal()->set_username("bob");
  ex.mutable_check()->set_action("s3:GetObject");
  ex.mutable_check()->set_resource("arn:aws:s3:::photos/a.jpg");
  v1::ExplainResponse er;
  const size_t before = decisions().size();
  ASSERT_RPC_OK(server_->CallAuthz(alice_, &v1::AuthzService::Stub::Explain, ex, &er));
  EXPECT_EQ(decisions().size(), before);
  EXPECT_TRUE(Verify(acme_).intact());
}

// The queue is bounded: past it, decisions are dropped and counted, Offer
// never waits, and the log itself records how many it is missing.
TEST_P(AuditE2eTest, AFullDecisionQueueDropsCountsAndSaysSo) {
  audit::AuditLog log(&clock_);
  audit::DecisionLog decisions(&t_->db(), &log, /*capacity=*/3, /*batch=*/2);
  audit::DecisionRecord d;
  d.account_id = globex_;
  d.principal = "arn:aws:iam::" + globex_ + ":user/gina";
  d.caller = d.principal;
  d.action = "s3:GetObject";
  d.resource = "arn:aws:s3:::x/y";
  d.decision = "Allow";
  int accepted = 0;
  for (int i = 0; i < 10; ++i) accepted += decisions.Offer(d);  // no writer yet
  EXPECT_EQ(accepted, 3);
  EXPECT_EQ(decisions.stats().dropped, 7);
  EXPECT_EQ(decisions.stats().queued, 3);
  decisions.Start();
  decisions.Flush();
  EXPECT_EQ(decisions.stats().recorded, 3);
  EXPECT_EQ(decisions.stats().queued, 0);
  decisions.Stop();
  EXPECT_FALSE(decisions.Offer(d));  // stopped: refused and counted
  EXPECT_EQ(decisions.stats().dropped, 8);

  v1::QueryAuditRequest q;
  v1::QueryAuditResponse r;
  q.mutable_filter()->set_action("audit:DecisionsDropped");
  ASSERT_RPC_OK(Query(gina_, q, &r));
  ASSERT_EQ(r.records_size(), 1);
  EXPECT_EQ(nlohmann::json::parse(r.records(0).detail_json())["decisions"], 7);
  q.mutable_filter()->set_action("authz:Decision");
  ASSERT_RPC_OK(Query(gina_, q, &r));
  EXPECT_EQ(r.records_size(), 3);
  EXPECT_TRUE(Verify(globex_).intact());
}

// The event catalogue: each kind of change and login leaves a record with
// every field a reader needs, and no record holds a secret.
TEST_P(AuditE2eTest, EveryEventTypeAppearsWithItsFieldsAndNoSecrets) {
  const std::string password = "amber-river-compass";
  CreateUser("bob");
  v1::UpdateUserRequest uu;
  uu.set_username("bob");
  uu.set_display_name("Robert");
  uu.mutable_update_mask()->add_paths("display_name");
  v1::User u;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::UpdateUser, uu, &u));
  v1::SetUserPasswordRequest sp;
  sp.set_username("bob");
  sp.set_password(password);
  sp.set_permanent(true);
  v1::SetUserPasswordResponse spr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::SetUserPassword, sp, &spr));
  v1::CreateGroupRequest cg;
  cg.set_name("devs");
  v1::Group g;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateGroup, cg, &g));
  v1::AddGroupMemberRequest am;
  am.set_group("devs");
  am.set_username("bob");
  v1::AddGroupMemberResponse amr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AddGroupMember, am, &amr));
  v1::CreateAccessKeyRequest ck;
  ck.set_username("bob");
  v1::CreateAccessKeyResponse key;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateAccessKey, ck, &key));
  v1::RevokeAccessKeyRequest rk;
  rk.set_key_id(key.key().id());
  v1::AccessKey revoked;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::RevokeAccessKey, rk, &revoked));
  v1::GetAccountPolicyRequest gp;
  gp.set_kind("lockout");
  v1::AccountPolicy lockout;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::GetAccountPolicy, gp, &lockout));
  nlohmann::json doc = nlohmann::json::parse(lockout.document());
  doc["max_failures"] = 7;
  v1::SetAccountPolicyRequest set;
  set.set_kind("lockout");
  set.set_document(doc.dump());
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, set, &lockout));
  v1::CreateRoleRequest cr;
  cr.set_name("oncall");
  v1::Role role;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateRole, cr, &role));
  v1::AssignRoleRequest ar;
  ar.set_role("oncall");
  ar.mutable_principal()->set_type(v1::PrincipalName::USER);
  ar.mutable_principal()->set_name("bob");
  v1::RoleAssignment assigned;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AssignRole, ar, &assigned));
  v1::DisableUserRequest du;
  du.set_username("bob");
  v1::User disabled;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::DisableUser, du, &disabled));
  v1::EnableUserRequest eu;
  eu.set_username("bob");
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::EnableUser, eu, &disabled));
  auto login = [&](const std::string& pw) {
    v1::LoginRequest r;
    r.set_account(acme_);
    r.set_username("bob");
    r.set_password(pw);
    r.set_device_id("laptop-1");
    grpc::ClientContext ctx;
    v1::LoginResponse out;
    EXPECT_TRUE(server_->auth().Login(&ctx, r, &out).ok());
    return out;
  };
  login("not-the-password-at-all");
  const v1::LoginResponse ok = login(password);
  ASSERT_EQ(ok.status(), v1::LOGIN_STATUS_SUCCESS);
  v1::LogoutRequest lo;
  v1::LogoutResponse lor;
  ASSERT_RPC_OK(
      server_->CallAuth(ok.tokens().access_token(), &v1::AuthService::Stub::Logout, lo, &lor));
  v1::ExportPermissionsRequest ep;
  v1::ExportPermissionsResponse epr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ExportPermissions, ep, &epr));
  ASSERT_TRUE(Export(alice_, {}).first.ok());

  const auto all = All({});
  std::map<std::string, std::vector<const v1::AuditRecord*>> by_action;
  for (const auto& r : all) by_action[r.action()].push_back(&r);
  for (const char* action :
       {"iam:CreateAccount", "iam:CreateUser", "iam:UpdateUser", "iam:SetUserPassword",
        "iam:CreateGroup", "iam:AddUserToGroup", "iam:CreateAccessKey", "iam:RevokeAccessKey",
        "iam:UpdateAccountLockoutPolicy", "iam:CreateRole", "iam:AssignRole", "iam:DisableUser",
        "iam:EnableUser", "sts:Login", "sts:CreateSession", "sts:Logout", "iam:ExportPermissions",
        "audit:ExportRecords"}) {
    EXPECT_TRUE(by_action.count(action)) << action << " was not recorded";
  }
  for (const auto& r : all) {
    SCOPED_TRACE(r.action());
    EXPECT_EQ(r.account_id(), acme_);
    EXPECT_FALSE(r.actor().empty());
    EXPECT_FALSE(r.object_type().empty());
    EXPECT_GT(r.time().seconds(), 0);
    EXPECT_EQ(r.hash().size(), 64u);
    EXPECT_TRUE(r.result() == "success" || r.result() == "failure" || r.result() == "denied")
        << r.result();
    if (r.action() != "iam:CreateAccount" && r.actor() != "iamd") {
      EXPECT_EQ(r.source_ip(), "127.0.0.1");
      EXPECT_FALSE(r.user_agent().empty());  // the terminal
    }
    // Never a secret: not the password, the key's secret, nor a token.
    for (const std::string& secret : {password, key.token().substr(key.token().find('.') + 1),
                                      ok.tokens().access_token(), ok.tokens().refresh_token()}) {
      EXPECT_EQ(r.detail_json().find(secret), std::string::npos);
    }
  }
  const nlohmann::json update =
      nlohmann::json::parse(by_action["iam:UpdateUser"][0]->detail_json());
  EXPECT_EQ(update["changed"]["display_name"]["after"], "Robert");
  const nlohmann::json policy =
      nlohmann::json::parse(by_action["iam:UpdateAccountLockoutPolicy"][0]->detail_json());
  EXPECT_EQ(policy["after"]["max_failures"], 7);
  EXPECT_NE(policy["before"]["max_failures"], 7);
  const auto& logins = by_action["sts:Login"];
  ASSERT_EQ(logins.size(), 2u);
  EXPECT_EQ(logins[0]->result(), "success");
  EXPECT_EQ(logins[1]->result(), "failure");
  EXPECT_EQ(nlohmann::json::parse(logins[1]->detail_json())["device_id"], "laptop-1");
  EXPECT_TRUE(Verify(acme_).intact());
}

TEST_P(AuditE2eTest, HostileInputIsRefusedClearly) {
  v1::QueryAuditRequest q;
  v1::QueryAuditResponse r;
  q.mutable_filter()->set_action("' OR 1=1 --");
  ASSERT_RPC_OK(Query(alice_, q, &r));  // bound as a value: matches nothing
  EXPECT_EQ(r.records_size(), 0);
  q.mutable_filter()->set_action("iam:*Create*");
  EXPECT_RPC(Query(alice_, q, &r), grpc::StatusCode::INVALID_ARGUMENT);
  q.mutable_filter()->set_action("*");
  EXPECT_RPC(Query(alice_, q, &r), grpc::StatusCode::INVALID_ARGUMENT);
  q.mutable_filter()->set_action(std::string(513, 'a'));
  EXPECT_RPC(Query(alice_, q, &r), grpc::StatusCode::INVALID_ARGUMENT);
  q.mutable_filter()->set_action("");
  q.mutable_filter()->set_actor("bob\n");
  EXPECT_RPC(Query(alice_, q, &r), grpc::StatusCode::INVALID_ARGUMENT);
  q.mutable_filter()->Clear();
  *q.mutable_filter()->mutable_start_time() = TimeUtil::SecondsToTimestamp(2000);
  *q.mutable_filter()->mutable_end_time() = TimeUtil::SecondsToTimestamp(1000);
  EXPECT_RPC(Query(alice_, q, &r), grpc::StatusCode::INVALID_ARGUMENT);
  q.mutable_filter()->Clear();
  q.set_page_size(1001);
  EXPECT_RPC(Query(alice_, q, &r), grpc::StatusCode::INVALID_ARGUMENT);
  q.set_page_size(-1);
  EXPECT_RPC(Query(alice_, q, &r), grpc::StatusCode::INVALID_ARGUMENT);
  q.set_page_size(10);
  q.set_page_token("not-a-token");
  EXPECT_RPC(Query(alice_, q, &r), grpc::StatusCode::INVALID_ARGUMENT);
  q.set_page_token("");
  q.set_account_id("12345");
  EXPECT_RPC(Query(alice_, q, &r), grpc::StatusCode::INVALID_ARGUMENT);
  q.set_account_id("");
  EXPECT_RPC(Query("", q, &r), grpc::StatusCode::UNAUTHENTICATED);
  // The same checks guard the stream and the other calls.
  v1::ExportAuditRequest e;
  e.mutable_filter()->set_action("*");
  auto [status, records] = Export(alice_, e);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(records.empty());
  e.Clear();
  e.set_account_id("not-an-account");
  EXPECT_EQ(Export(alice_, e).first.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::VerifyAuditRequest v;
  v.set_account_id("'; DROP TABLE audit_log; --");
  v1::VerifyAuditResponse vr;
  EXPECT_RPC(audit_->VerifyAudit(As(alice_).get(), v, &vr), grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListMyLoginsRequest l;
  l.set_limit(-1);
  v1::ListMyLoginsResponse lr;
  EXPECT_RPC(audit_->ListMyLogins(As(alice_).get(), l, &lr), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_RPC(audit_->ListMyLogins(As("").get(), {}, &lr), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Verify(acme_).intact());  // refusals wrote nothing wrong
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditE2eTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
