// The pure MFA rules: the policy document, recovery codes, network
// prefixes, allowlists and the gate's decision table.
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/match.h"
#include "iam/common/random.h"
#include "iam/mfa/login_gate.h"
#include "iam/mfa/mfa_policy.h"
#include "iam/store/policy_store.h"
#include "iam/mfa/recovery_codes.h"

namespace iam::mfa {
namespace {

TEST(MfaPolicyTest, RoundTripsAndNamesTheBadField) {
  MfaPolicy p;
  auto back = MfaPolicy::FromJson(p.ToJson());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ToJson(), p.ToJson());
  auto with = [&](const char* key, nlohmann::json v) {
    nlohmann::json j = p.ToJson();
    j[key] = v;
    return MfaPolicy::FromJson(j).status();
  };
  EXPECT_TRUE(absl::StrContains(with("mode", "sometimes").message(), "mode"));
  EXPECT_TRUE(absl::StrContains(with("totp_digits", 7).message(), "totp_digits"));
  EXPECT_TRUE(absl::StrContains(with("totp_algorithm", "MD5").message(), "totp_algorithm"));
  EXPECT_TRUE(absl::StrContains(with("failure_hard_cap", 101).message(), "failure_hard_cap"));
  EXPECT_TRUE(absl::StrContains(with("required_groups", "admins").message(), "required_groups"));
  EXPECT_TRUE(absl::StrContains(with("required_groups", {1}).message(), "required_groups"));
  EXPECT_TRUE(absl::StrContains(with("mode", "required_for").message(), "required_groups"));
  EXPECT_TRUE(absl::StrContains(with("required_roles", "ops").message(), "required_roles"));
  EXPECT_TRUE(absl::StrContains(with("required_roles", {"a b"}).message(), "required_roles"));
  EXPECT_TRUE(
      absl::StrContains(with("required_roles", std::vector<std::string>(101, "r")).message(),
                        "required_roles: at most 100"));
  EXPECT_TRUE(absl::StrContains(with("extra", 1).message(), "extra: unknown field"));
  nlohmann::json missing = p.ToJson();
  missing.erase("risk_step_up");
  EXPECT_TRUE(absl::StrContains(MfaPolicy::FromJson(missing).status().message(), "risk_step_up"));
  auto lower = with("totp_algorithm", "sha512");
  EXPECT_TRUE(lower.ok());
}

TEST(RecoveryCodesTest, ShapeNormalisationAndHash) {
  CryptoRandom random;
  auto codes = NewRecoveryCodes(random, 10);
  ASSERT_EQ(codes.size(), 10u);
  std::set<std::string> unique(codes.begin(), codes.end());
  EXPECT_EQ(unique.size(), 10u);
  for (const auto& c : codes) {
    EXPECT_EQ(c.size(), 19u) << c;
    EXPECT_EQ(c[4], '-');
    auto n = NormalizeRecoveryCode(c);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->size(), 16u);
  }
  EXPECT_EQ(NormalizeRecoveryCode("ABCD-EFGH-JKMN-PQRS"), NormalizeRecoveryCode("abcdefghjkmnpqrs"));
  EXPECT_EQ(NormalizeRecoveryCode("0O1L-IIII-0000-1111"), NormalizeRecoveryCode("0011111100001111"));
  EXPECT_FALSE(NormalizeRecoveryCode("abcd-efgh"));          // too short
  EXPECT_FALSE(NormalizeRecoveryCode("abcd-efgh-jkmn-pqru")); // u is not in the alphabet
  EXPECT_FALSE(NormalizeRecoveryCode("'; DROP TABLE x; --"));
  EXPECT_FALSE(NormalizeRecoveryCode(std::string(100, 'a')));
  EXPECT_NE(RecoveryCodeHash("u1", "abcd"), RecoveryCodeHash("u2", "abcd"));
}

TEST(LoginGateTest, NetworkPrefixes) {
  EXPECT_EQ(NetworkPrefix("203.0.113.77"), "203.0.113.0/24");
  EXPECT_EQ(NetworkPrefix("::ffff:203.0.113.77"), "203.0.113.0/24");
  EXPECT_EQ(NetworkPrefix("2001:db8:1234:5678::1"), "2001:db8:1234::/48");
  EXPECT_EQ(NetworkPrefix("not an ip"), "");
}

TEST(LoginGateTest, Allowlists) {
  auto p = IpAllowlistPolicy::FromJson({{"cidrs", {"10.0.0.0/8", "2001:db8::/32"}}});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Allows("10.1.2.3"));
  EXPECT_TRUE(p->Allows("2001:db8::5"));
  EXPECT_FALSE(p->Allows("192.168.1.1"));
  EXPECT_FALSE(p->Allows("garbage"));
  EXPECT_TRUE(IpAllowlistPolicy{}.Allows("192.168.1.1"));  // empty: anywhere
  EXPECT_TRUE(absl::StrContains(
      IpAllowlistPolicy::FromJson({{"cidrs", {"10.0.0.0/8", "10.0.0.1/8"}}}).status().message(),
      "cidrs[1]"));
  EXPECT_FALSE(IpAllowlistPolicy::FromJson({{"cidrs", "10.0.0.0/8"}}).ok());
  EXPECT_FALSE(IpAllowlistPolicy::FromJson({{"cidr", {}}}).ok());
  std::vector<std::string> many(201, "10.0.0.0/8");
  EXPECT_FALSE(IpAllowlistPolicy::FromList(many).ok());
}

// A document stored before a field existed reads that field as its default;
// one that is not a JSON object does not read at all.
TEST(MfaPolicyTest, StoredDocumentsFromBeforeAFieldExistedStillLoad) {
  MfaPolicy p;
  p.mode = "required_for";
  p.required_groups = {"admins"};
  nlohmann::json old = p.ToJson();
  old.erase("required_roles");
  const nlohmann::json doc = store::account_policies::WithDefaults(MfaPolicy{}.ToJson(), old.dump());
  auto loaded = MfaPolicy::FromJson(doc);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->required_groups, std::vector<std::string>{"admins"});
  EXPECT_TRUE(loaded->required_roles.empty());
  EXPECT_TRUE(store::account_policies::WithDefaults(MfaPolicy{}.ToJson(), "[1]").is_discarded());
  EXPECT_TRUE(store::account_policies::WithDefaults(MfaPolicy{}.ToJson(), "{").is_discarded());
}

TEST(LoginGateTest, Scope) {
  MfaPolicy p;
  p.mode = "required_for";
  p.required_groups = {"admins"};
  EXPECT_TRUE(InScope(p, false, {"dev", "admins"}, {}));
  EXPECT_FALSE(InScope(p, true, {"dev"}, {}));
  EXPECT_FALSE(InScope(p, false, {}, {"admins"}));  // a role is not a group
  p.required_roles = {"operator"};
  EXPECT_TRUE(InScope(p, false, {}, {"developer", "operator"}));
  EXPECT_FALSE(InScope(p, false, {"operator"}, {"developer"}));
  p.required_for_admins = true;
  EXPECT_TRUE(InScope(p, true, {}, {}));
  p.mode = "optional";
  EXPECT_FALSE(InScope(p, true, {"admins"}, {"operator"}));
  p.mode = "required";
  EXPECT_TRUE(InScope(p, false, {}, {}));
}

LoginFacts Usual() {
  LoginFacts f;
  f.has_device_id = f.device_known = f.prefix_known = true;
  return f;
}

TEST(LoginGateTest, DecisionTable) {
  MfaPolicy p;  // optional, risk step-up on
  LoginFacts f = Usual();
  EXPECT_EQ(Decide(p, f).next, Next::kOpen);  // not enrolled
  f.enrolled = true;
  EXPECT_EQ(Decide(p, f).next, Next::kOpen);  // usual login, optional
  f.prefix_known = false;
  EXPECT_EQ(Decide(p, f).next, Next::kMfa);
  EXPECT_EQ(Decide(p, f).risk, "unusual network");
  f = Usual();
  f.enrolled = true;
  f.device_known = false;
  EXPECT_EQ(Decide(p, f).risk, "unknown device");
  EXPECT_EQ(Decide(p, f).next, Next::kMfa);
  p.risk_step_up = false;
  EXPECT_EQ(Decide(p, f).next, Next::kOpen);
  EXPECT_EQ(Decide(p, f).risk, "unknown device");  // still flagged

  p = MfaPolicy{};
  p.mode = "required";
  f = Usual();
  f.in_scope = true;
  EXPECT_EQ(Decide(p, f).next, Next::kEnroll);
  f.enrolled = true;
  EXPECT_EQ(Decide(p, f).next, Next::kMfa);
  f.device_trusted = true;
  EXPECT_EQ(Decide(p, f).next, Next::kOpen);  // remembered device, usual network
  f.prefix_known = false;
  EXPECT_EQ(Decide(p, f).next, Next::kMfa);  // remembered, but from elsewhere

  p.mode = "off";
  EXPECT_EQ(Decide(p, f).next, Next::kOpen);

  p = MfaPolicy{};
  p.device_binding = true;
  f = Usual();
  f.has_device_id = false;
  EXPECT_EQ(Decide(p, f).next, Next::kRefuseNoDevice);
  f.has_device_id = true;
  EXPECT_EQ(Decide(p, f).next, Next::kDeviceApproval);
  f.device_approved = true;
  EXPECT_EQ(Decide(p, f).next, Next::kOpen);
  f.ip_allowed = false;
  EXPECT_EQ(Decide(p, f).next, Next::kRefuseIp);  // before anything else
}

}  // namespace
}  // namespace iam::mfa
