// iamctl's field guide (policy_fields.cc) against the policies it
// describes: every field of every kind and nothing else, each default as
// the policy's own, and each "lo..hi" range taken at both ends and refused
// one past each.
#include "iam/cli/policy_fields.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "absl/strings/str_split.h"
#include "iam/audit/audit_policy.h"
#include "iam/auth/lockout_policy.h"
#include "iam/auth/password_policy.h"
#include "iam/mfa/mfa_policy.h"
#include "iam/session/session_policy.h"
#include "iam/web/branding.h"

namespace iam::cli {
namespace {

using Json = nlohmann::json;

struct Kind {
  Json defaults;
  std::function<absl::Status(const Json&)> check;
};

template <typename P>
Kind KindOf() {
  return {P{}.ToJson(), [](const Json& j) { return P::FromJson(j).status(); }};
}

const std::map<std::string, Kind>& Kinds() {
  static const auto* kinds = new std::map<std::string, Kind>{
      {"password", KindOf<auth::PasswordPolicy>()}, {"lockout", KindOf<auth::LockoutPolicy>()},
      {"session", KindOf<session::SessionPolicy>()}, {"mfa", KindOf<mfa::MfaPolicy>()},
      {"audit", KindOf<audit::AuditPolicy>()},       {"branding", KindOf<web::BrandingPolicy>()}};
  return *kinds;
}

// "web.max_sessions" -> value, for every leaf.
void Flatten(const Json& j, const std::string& prefix, std::map<std::string, Json>* out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string name = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it->is_object()) {
      Flatten(*it, name, out);
    } else {
      (*out)[name] = *it;
    }
  }
}

Json::json_pointer Pointer(const std::string& dotted) {
  std::string p;
  for (absl::string_view part : absl::StrSplit(dotted, '.')) p += "/" + std::string(part);
  return Json::json_pointer(p);
}

// Fields another field's range depends on, set so that only the field
// probed decides (max_length may not be under min_length, ...).
const std::map<std::string, std::map<std::string, Json>> kCompanions = {
    {"password.min_length", {{"max_length", 4096}}},
    {"lockout.wait_increment_seconds", {{"max_wait_seconds", 31536000}}},
    {"session.web.absolute_lifetime_seconds", {{"web.idle_timeout_seconds", 0}}},
    {"session.mobile.absolute_lifetime_seconds", {{"mobile.idle_timeout_seconds", 0}}},
    {"session.api.absolute_lifetime_seconds", {{"api.idle_timeout_seconds", 0}}},
    {"mfa.failure_hard_cap", {{"ticket_max_failures", 1}}},
    {"mfa.ticket_max_failures", {{"failure_hard_cap", 100}}},
};

TEST(PolicyFieldsTest, NamesEveryFieldOfEveryKindWithItsDefault) {
  std::map<std::string, std::set<std::string>> guided;
  for (const PolicyField& f : PolicyFields()) {
    ASSERT_TRUE(Kinds().count(f.kind)) << f.kind;
    guided[f.kind].insert(f.name);
  }
  for (const auto& [name, kind] : Kinds()) {
    std::map<std::string, Json> leaves;
    Flatten(kind.defaults, "", &leaves);
    std::set<std::string> fields;
    for (const auto& [field, unused] : leaves) fields.insert(field);
    EXPECT_EQ(guided[name], fields) << name;
    for (const PolicyField& f : PolicyFields()) {
      if (f.kind != name || !leaves.count(f.name)) continue;
      EXPECT_EQ(Json::parse(f.initial), leaves[f.name]) << name << "." << f.name;
    }
  }
}

TEST(PolicyFieldsTest, RangesHoldAtTheirEndsAndNotBeyond) {
  int probed = 0;
  for (const PolicyField& f : PolicyFields()) {
    if (f.lo == f.hi) continue;
    const Kind& kind = Kinds().at(f.kind);
    auto with = [&](long v) {
      Json doc = kind.defaults;
      auto companions = kCompanions.find(f.kind + "." + f.name);
      if (companions != kCompanions.end()) {
        for (const auto& [name, value] : companions->second) doc[Pointer(name)] = value;
      }
      doc[Pointer(f.name)] = v;
      return kind.check(doc);
    };
    EXPECT_TRUE(with(f.lo).ok()) << f.kind << "." << f.name << "=" << f.lo << ": "
                                 << with(f.lo).message();
    EXPECT_TRUE(with(f.hi).ok()) << f.kind << "." << f.name << "=" << f.hi << ": "
                                 << with(f.hi).message();
    EXPECT_FALSE(with(f.lo - 1).ok()) << f.kind << "." << f.name << "=" << f.lo - 1;
    EXPECT_FALSE(with(f.hi + 1).ok()) << f.kind << "." << f.name << "=" << f.hi + 1;
    ++probed;
  }
  EXPECT_GE(probed, 30);
}

TEST(PolicyFieldsTest, HelpListsTheFieldsOfOneKind) {
  const std::string help = PolicyFieldsHelp("lockout");
  EXPECT_NE(help.find("max_failures = 5  (1..1000)"), std::string::npos) << help;
  EXPECT_EQ(help.find("min_length"), std::string::npos) << help;
}

TEST(PolicyFieldsTest, AFieldNotThereIsCaughtWithTheFieldsThatAre) {
  EXPECT_TRUE(CheckPolicyField("lockout", "max_failures").ok());
  EXPECT_TRUE(CheckPolicyField("session", "web.max_sessions").ok());
  EXPECT_TRUE(CheckPolicyField("session", "web").ok());  // the whole object
  const absl::Status s = CheckPolicyField("session", "web.max_session");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(s.message().find("web.max_sessions"), absl::string_view::npos) << s.message();
  EXPECT_FALSE(CheckPolicyField("session", "we").ok());
}

}  // namespace
}  // namespace iam::cli
