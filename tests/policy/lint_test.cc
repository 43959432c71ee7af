// Policy findings: each check once where it applies, and silence where it
// does not.
#include "policy/lint.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace iam::policy {
namespace {

using nlohmann::json;

// The findings as "CODE@path", in order.
std::vector<std::string> Codes(const std::string& text, PolicyKind kind = PolicyKind::kIdentity,
                               const LintOptions& o = {}) {
  std::vector<std::string> out;
  for (const Finding& f : LintPolicy(json::parse(text), kind, o)) {
    out.push_back(f.code + "@" + f.path);
    EXPECT_FALSE(f.message.empty()) << f.code;
  }
  return out;
}

TEST(LintTest, EachCheckWhereItApplies) {
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"*","Resource":"*"}]})"),
            std::vector<std::string>{"FULL_ACCESS@Statement[0]"});
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:GetObject","iam:Pass*"],"Resource":"*"}]})"),
            std::vector<std::string>{"PASS_ROLE_WITH_STAR_IN_RESOURCE@Statement[0].Resource"});
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}]})"),
            (std::vector<std::string>{"ALLOW_WITH_NOT_ACTION@Statement[0].NotAction",
                                      "ALLOW_WITH_NOT_RESOURCE@Statement[0].NotResource"}));
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
      {"Sid":"A","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]})"),
            std::vector<std::string>{"DUPLICATE_SID@Statement[1].Sid"});
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:GetObject","ec2:RunInstances","billing:View"],"Resource":"*"}]})",
                  PolicyKind::kIdentity, LintOptions{{"billing"}}),
            std::vector<std::string>{"UNKNOWN_SERVICE@Statement[0].Action[1]"});
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{}}]})"),
            std::vector<std::string>{"EMPTY_CONDITION@Statement[0].Condition"});
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{
        "StringEquals":{"aws:SourceIp":"10.0.0.1"},
        "DateGreaterThan":{"aws:username":"2020-01-01T00:00:00Z"}}}]})"),
            (std::vector<std::string>{
                "MISMATCHED_OPERATOR@Statement[0].Condition.DateGreaterThan.aws:username",
                "MISMATCHED_OPERATOR@Statement[0].Condition.StringEquals.aws:SourceIp"}));
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{
        "ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]})"),
            std::vector<std::string>{
                "FOR_ALL_VALUES_WITH_ALLOW@Statement[0].Condition.ForAllValues:StringEquals.aws:TagKeys"});
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{
        "StringNotEquals":{"aws:TagKeys":"team"}}}]})"),
            std::vector<std::string>{
                "NEGATED_OPERATOR_ON_MULTIVALUED_KEY@Statement[0].Condition.StringNotEquals.aws:TagKeys"});
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{
        "StringNotEqualsIfExists":{"aws:RequestedRegion":"eu-west-1"}}}]})"),
            std::vector<std::string>{
                "DENY_WITH_IF_EXISTS@Statement[0].Condition.StringNotEqualsIfExists.aws:RequestedRegion"});
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":{
      "Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}})",
                  PolicyKind::kResource),
            std::vector<std::string>{"PUBLIC_ACCESS@Statement.Principal"});
}

TEST(LintTest, VersionAndActionsOnNoResource) {
  EXPECT_EQ(Codes(R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})"),
            std::vector<std::string>{"MISSING_VERSION@Version"});
  // An object action on a bucket ARN, a bucket action on objects: accepted
  // in an identity policy (AWS refuses them only in a bucket policy).
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket",null,"s3:Get*"],"Resource":"arn:aws:s3:::b"},
      {"Effect":"Allow","Action":"s3:ListBucket","Resource":["arn:aws:s3:::b/*"]},
      {"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::c","arn:aws:s3:::c/*"]},
      {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*"}]})"),
            (std::vector<std::string>{"ACTION_NOT_APPLICABLE@Statement[0].Action[0]",
                                      "ACTION_NOT_APPLICABLE@Statement[1].Action"}));
}

TEST(LintTest, RedundantStatements) {
  // Covered by a wider statement of the same effect, wildcards included.
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"},
      {"Effect":"Allow","Action":["S3:GetObject","s3:GetObjectAcl"],"Resource":"arn:aws:s3:::b/x/*"}]})"),
            std::vector<std::string>{"REDUNDANT_STATEMENT@Statement[1]"});
  // A '*' covers a '?', not the other way round.
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"s3:Get*","Resource":"*"},
      {"Effect":"Allow","Action":"s3:Get?","Resource":"*"}]})"),
            std::vector<std::string>{"REDUNDANT_STATEMENT@Statement[1]"});
  // Duplicates: the later one is named, once.
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"},
      {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]})"),
            std::vector<std::string>{"REDUNDANT_STATEMENT@Statement[1]"});
  // Not covered: another effect, a condition the wide one lacks or differs
  // in, a narrower wildcard, a '?' against a '*', a resource of another case,
  // NotAction, another principal.
  for (const char* pair : {
           R"({"Effect":"Deny","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})",
           R"({"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})",
           R"({"Effect":"Allow","Action":"s3:Get?","Resource":"*"},{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"})",
           R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/x"})",
           R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})",
       }) {
    const std::vector<std::string> codes =
        Codes(std::string(R"({"Version":"2012-10-17","Statement":[)") + pair + "]}");
    EXPECT_EQ(std::count(codes.begin(), codes.end(), "REDUNDANT_STATEMENT@Statement[1]") +
                  std::count(codes.begin(), codes.end(), "REDUNDANT_STATEMENT@Statement[0]"),
              0)
        << pair;
  }
  EXPECT_EQ(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
      {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})",
                  PolicyKind::kResource),
            std::vector<std::string>{});
}

TEST(LintTest, QuietForWhatIsFine) {
  EXPECT_TRUE(Codes(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":"arn:aws:s3:::b/*",
       "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
                    "DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}},
      {"Effect":"Deny","NotAction":"iam:ChangePassword","Resource":"*",
       "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}},
      {"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
      {"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/app"}]})")
                  .empty());
  // A public statement under a condition (TLS, a source network) is not flagged.
  EXPECT_TRUE(Codes(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})",
                    PolicyKind::kResource)
                  .empty());
}

}  // namespace
}  // namespace iam::policy
