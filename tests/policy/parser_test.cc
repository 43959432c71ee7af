// Validation: each malformed document is refused with its JSON path named.
#include "policy/policy.h"

#include <gtest/gtest.h>

#include <utility>

namespace iam::policy {
namespace {

struct BadCase {
  const char* name;
  const char* text;
  const char* error;  // the whole message
  PolicyKind kind = PolicyKind::kIdentity;
};

const BadCase kBad[] = {
    {"not json", "{",
     "policy: not valid JSON (line 1, column 2: syntax error while parsing object key - "
     "unexpected end of input; expected string literal)"},
    {"not json, where", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}\n}",
     "policy: not valid JSON (line 3, column 17: syntax error while parsing value - unexpected "
     "'}'; expected '[', '{', or a literal)"},
    {"not json, a hostile byte quoted as ?", "\xff",
     "policy: not valid JSON (line 1, column 1: syntax error while parsing value - invalid "
     "literal; last read: '?')"},
    {"not an object", "[]", "policy: must be a JSON object"},
    {"unknown top-level element", R"({"Statement":[], "Extra": 1})", "Extra: unknown element"},
    {"bad version", R"({"Version":"2020-01-01","Statement":[]})",
     "Version: must be \"2012-10-17\" or \"2008-10-17\""},
    {"no statement", R"({"Version":"2012-10-17"})", "Statement: required"},
    {"empty statement list", R"({"Statement":[]})", "Statement: must not be empty"},
    {"unknown statement element",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Actions":"x"}]})",
     "Statement[0].Actions: unknown element"},
    {"bad effect", R"({"Statement":{"Effect":"allow","Action":"*","Resource":"*"}})",
     "Statement.Effect: must be \"Allow\" or \"Deny\""},
    {"missing effect", R"({"Statement":[{"Action":"*","Resource":"*"}]})",
     "Statement[0].Effect: required"},
    {"empty action", R"({"Statement":[{"Effect":"Allow","Action":"","Resource":"*"}]})",
     "Statement[0].Action: empty action"},
    {"empty action list", R"({"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]})",
     "Statement[0].Action: must not be empty"},
    {"action without service",
     R"({"Statement":[{"Effect":"Allow","Action":["s3:GetObject","GetObject"],"Resource":"*"}]})",
     "Statement[0].Action[1]: an action is \"service:Name\" (one ':') or \"*\""},
    {"both Action and NotAction",
     R"({"Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}]})",
     "Statement[0]: Action and NotAction cannot be used together"},
    {"no action", R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})",
     "Statement[0].Action: required"},
    {"no resource", R"({"Statement":[{"Effect":"Allow","Action":"*"}]})",
     "Statement[0].Resource: required"},
    {"malformed ARN",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":["*","arn:aws:s3"]}]})",
     "Statement[0].Resource[1]: not an ARN (arn:partition:service:region:account:resource) or "
     "\"*\""},
    {"number as action", R"({"Statement":[{"Effect":"Allow","Action":[5],"Resource":"*"}]})",
     "Statement[0].Action[0]: must be a string"},
    {"principal in identity policy",
     R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})",
     "Statement[0].Principal: not allowed in an identity policy"},
    {"no principal in resource policy",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
     "Statement[0].Principal: required in a resource policy", PolicyKind::kResource},
    {"wildcard principal ARN",
     R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"*","Resource":"*"}]})",
     "Statement[0].Principal.AWS: wildcards are not allowed in a principal ARN",
     PolicyKind::kResource},
    {"bad principal type",
     R"({"Statement":[{"Effect":"Allow","Principal":{"Users":"x"},"Action":"*","Resource":"*"}]})",
     "Statement[0].Principal.Users: unknown principal type", PolicyKind::kResource},
    {"bad principal string",
     R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":["tenant/a"]},"Action":"*","Resource":"*"}]})",
     "Statement[0].Principal.AWS[0]: not an account, an ARN or \"*\"", PolicyKind::kResource},
    {"a principal ARN whose account is not one",
     R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::a*b:root"},"Action":"*","Resource":"*"}]})",
     "Statement[0].Principal.AWS: wildcards are not allowed in a principal ARN",
     PolicyKind::kResource},
    {"a canonical user that is not an account",
     R"({"Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"x:y"},"Action":"*","Resource":"*"}]})",
     "Statement[0].Principal.CanonicalUser: must be an account: 1 to 64 letters, digits, '-', '_' or "
     "'.' (AWS: 12 digits)",
     PolicyKind::kResource},
    {"an account name too long",
     R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:root"},"Action":"*","Resource":"*"}]})",
     "Statement[0].Principal.AWS: not a principal ARN", PolicyKind::kResource},
    {"unknown operator",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"a":"b"}}}]})",
     "Statement[0].Condition.StringEqual: unknown condition operator"},
    {"bad CIDR",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","10.1.2.3/33"]}}}]})",
     "Statement[0].Condition.IpAddress.aws:SourceIp[1]: not a CIDR"},
    {"bad number",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}]})",
     "Statement[0].Condition.NumericLessThan.s3:max-keys[0]: not a number"},
    {"bad date",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}]})",
     "Statement[0].Condition.DateLessThan.aws:CurrentTime[0]: not a date (ISO 8601 or epoch "
     "seconds)"},
    {"bad bool",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}]})",
     "Statement[0].Condition.Bool.aws:SecureTransport[0]: must be true or false"},
    {"Null with IfExists",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}]})",
     "Statement[0].Condition.NullIfExists: Null takes neither IfExists nor a set qualifier"},
    {"empty condition values",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":[]}}}]})",
     "Statement[0].Condition.StringEquals.k: must not be empty"},
    {"null condition value",
     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":null}}}]})",
     "Statement[0].Condition.StringEquals.k: must be a string, number or boolean"},
    {"unterminated variable",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username"}]})",
     "Statement[0].Resource: policy variable: '${' without '}'"},
    {"duplicate Sid",
     R"({"Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]})",
     "Statement[1].Sid: duplicate Sid in the policy"},
};

TEST(ParserTest, RefusesMalformedDocumentsNamingThePath) {
  for (const BadCase& c : kBad) {
    ParseOptions o;
    o.kind = c.kind;
    auto p = ParsePolicy(c.text, o);
    ASSERT_FALSE(p.ok()) << c.name;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(p.status().message(), c.error) << c.name;
  }
}

// AWS's write-time rules refuse new documents only: one stored before a
// rule was added still reads back, so no decision fails on it.
TEST(ParserTest, StoredDocumentsReadBackWithoutTheWriteRules) {
  const char* identity = R"({"Version":"2012-10-17","Statement":[{"Sid":"read-photos",
      "Effect":"Allow","Action":["s3:Get:Object","iam:GetUser"],
      "Resource":["arn:aws:iam:us-east-1:111122223333:user/bob","arn:aws:iam::111122223333:person/x"]}]})";
  const char* bucket = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
      "Action":"s3:ListBucket","Resource":"arn:aws:s3:eu-west-1::bucket/*"}]})";
  for (auto [text, kind] : {std::pair{identity, PolicyKind::kIdentity},
                            std::pair{bucket, PolicyKind::kResource}}) {
    ParseOptions o;
    o.kind = kind;
    EXPECT_FALSE(ParsePolicy(text, o).ok()) << text;
    o.stored = true;
    auto p = ParsePolicy(text, o);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->statements.size(), 1u);
  }
  // The grammar still holds for stored documents.
  ParseOptions o;
  o.stored = true;
  EXPECT_FALSE(ParsePolicy(R"({"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]})", o)
                   .ok());
  EXPECT_FALSE(ParsePolicy(R"({"Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]})",
                           o)
                   .ok());
}

TEST(ParserTest, SizeLimitsAreAwsDefaultsAndConfigurable) {
  std::string big = R"({"Statement":[)";
  for (int i = 0; i < 200; ++i) {
    if (i) big += ",";
    big += R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/)" +
           std::to_string(i) + R"("})";
  }
  big += "]}";
  auto identity = ParsePolicy(big, {});
  ASSERT_FALSE(identity.ok());
  EXPECT_NE(identity.status().message().find("limit of 6144"), absl::string_view::npos);
  ParseOptions resource;
  resource.kind = PolicyKind::kIdentity;
  resource.max_size = 20 * 1024;
  EXPECT_TRUE(ParsePolicy(big, resource).ok());
  // White space does not count.
  std::string spaced = R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})";
  spaced.insert(1, 10000, ' ');
  EXPECT_TRUE(ParsePolicy(spaced, {}).ok());
}

TEST(ParserTest, AcceptsEveryStringOrArrayPosition) {
  auto p = ParsePolicy(R"({"Version":"2012-10-17","Id":"x","Statement":{"Sid":"s","Effect":"Deny",
      "NotAction":["s3:Get*"],"NotResource":"arn:aws:s3:::b/*",
      "Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":"a*"},"Bool":{"k":false},
      "NumericLessThan":{"n":[1,2.5]}}}})",
                       {});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->id, "x");
  EXPECT_EQ(p->statements[0].conditions.size(), 3u);
  EXPECT_TRUE(p->statements[0].not_action);
}

TEST(PatternTest, WildcardsAndEscapes) {
  EXPECT_TRUE(GlobMatch("a*b?c", "axxxbyc", false));
  EXPECT_FALSE(GlobMatch("a*b?c", "axxxbc", false));
  EXPECT_TRUE(GlobMatch("*", "", false));
  EXPECT_TRUE(GlobMatch("ABC", "abc", true));
  // Many stars must not blow up.
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*b", std::string(5000, 'a'), false));
  auto p = Pattern::Compile("x${*}y", true, true);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Matches("x*y", nullptr));
  EXPECT_FALSE(p->Matches("xzy", nullptr));
  EXPECT_FALSE(Pattern::Compile("${}", true, true).ok());
  EXPECT_FALSE(Pattern::Compile("${a, b}", true, true).ok());
}

TEST(ArnTest, SegmentMatching) {
  EXPECT_TRUE(ArnMatch("arn:aws:s3:::*", "arn:aws:s3:::bucket/a:b"));
  EXPECT_FALSE(ArnMatch("arn:aws:s3:*", "arn:aws:s3:::bucket"));
  EXPECT_FALSE(ArnMatch("arn:aws:*:us-east-1:1:x", "arn:aws:s3:us-east-1:x:1:x"));
  EXPECT_TRUE(ArnMatch("*", "anything"));
}

}  // namespace
}  // namespace iam::policy
