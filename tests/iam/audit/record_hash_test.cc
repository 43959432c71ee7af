// The audit chain's hash of a record, independent of any store: its
// canonical form is fixed (a verifier outside this service recomputes it),
// every field counts, and no two framings of the same bytes collide.
#include <gtest/gtest.h>

#include <string>

#include "iam/audit/audit_log.h"

namespace iam::audit {
namespace {

store::AuditRow Record() {
  store::AuditRow r;
  r.account_id = "123456789012";
  r.seq = 7;
  r.at = 1767225600000;
  r.actor = "arn:aws:iam::123456789012:user/alice";
  r.action = "iam:CreateUser";
  r.object_type = "user";
  r.object_id = "u-1";
  r.source_ip = "10.0.0.1";
  r.user_agent = "curl/8";
  r.result = "success";
  r.detail = R"({"username":"bob"})";
  r.prev_hash = kGenesisHash;
  return r;
}

TEST(RecordHashTest, IsTheSha256OfTheDocumentedCanonicalForm) {
  // sha256("iam-audit-v1," + "<len>:<field>," for each field in order),
  // computed independently.
  EXPECT_EQ(RecordHash(Record()),
            "e800df01675431259b4b5fd5a0ae8baa75d4277a51aef9fb1c069763049d4435");
}

TEST(RecordHashTest, EveryFieldButTheHashItselfCounts) {
  const std::string base = RecordHash(Record());
  auto changed = [&](auto edit) {
    store::AuditRow r = Record();
    edit(r);
    return RecordHash(r) != base;
  };
  EXPECT_TRUE(changed([](auto& r) { r.account_id = "123456789013"; }));
  EXPECT_TRUE(changed([](auto& r) { r.seq = 8; }));
  EXPECT_TRUE(changed([](auto& r) { r.at += 1; }));
  EXPECT_TRUE(changed([](auto& r) { r.actor += "x"; }));
  EXPECT_TRUE(changed([](auto& r) { r.action = "iam:DeleteUser"; }));
  EXPECT_TRUE(changed([](auto& r) { r.object_type = "group"; }));
  EXPECT_TRUE(changed([](auto& r) { r.object_id = "u-2"; }));
  EXPECT_TRUE(changed([](auto& r) { r.source_ip = "10.0.0.2"; }));
  EXPECT_TRUE(changed([](auto& r) { r.user_agent = ""; }));
  EXPECT_TRUE(changed([](auto& r) { r.result = "denied"; }));
  EXPECT_TRUE(changed([](auto& r) { r.detail = "{}"; }));
  EXPECT_TRUE(changed([](auto& r) { r.prev_hash[0] = '1'; }));
  EXPECT_FALSE(changed([](auto& r) { r.hash = "anything"; }));
}

TEST(RecordHashTest, MovingBytesBetweenFieldsChangesTheHash) {
  store::AuditRow a = Record(), b = Record();
  a.object_type = "user";
  a.object_id = "u-1";
  b.object_type = "useru";
  b.object_id = "-1";
  EXPECT_NE(RecordHash(a), RecordHash(b));
  a.actor = "x,1:y";
  a.action = "";
  b = a;
  b.actor = "x";
  b.action = "y";
  EXPECT_NE(RecordHash(a), RecordHash(b));
}

}  // namespace
}  // namespace iam::audit
