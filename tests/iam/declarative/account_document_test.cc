// The account document's reader and writer: what it refuses, and that
// what it writes reads back the same.
#include "iam/declarative/account_document.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace iam::declarative {
namespace {

using nlohmann::json;

absl::Status ParseError(const std::string& text) {
  return ParseAccountDocument(json::parse(text)).status();
}

TEST(AccountDocumentTest, WhatItWritesReadsBackTheSame) {
  AccountDocument doc;
  doc.account_policies["password"] = {{"min_length", 14}};
  doc.policies["ReadPhotos"] = {"read", {{"Version", "2012-10-17"}}, {{"owner", "photos"}}};
  doc.groups["devs"].bindings.policies = {"ReadPhotos"};
  UserSpec& bob = doc.users["bob"];
  bob.display_name = "Bob 雪";
  bob.disabled = true;
  bob.groups = {"devs"};
  bob.tags = {{"cost-center", "0042"}};
  bob.bindings.inline_policies["Home"] = {{"Version", "2012-10-17"}};
  bob.bindings.boundary = "ReadPhotos";
  bob.ip_allowlist = {"10.0.0.0/8", "127.0.0.1/32"};
  doc.roles["approver"].members = {"group:devs", "user:bob"};
  doc.separation_of_duties["split"] = {"approver", "requester"};
  doc.resource_policies["arn:aws:s3:::photos"] = {{"Version", "2012-10-17"}};
  doc.acls["arn:aws:s3:::photos/a.jpg"] = {{"target", "object"}, {"canned", "public-read"}};

  const json written = ToJson(doc);
  EXPECT_EQ(written["kind"], kDocumentKind);
  ASSERT_OK_AND_ASSIGN(AccountDocument back, ParseAccountDocument(written));
  EXPECT_EQ(ToJson(back), written);
  EXPECT_EQ(back.users["bob"].ip_allowlist, bob.ip_allowlist);  // order kept
  // Empty fields are left out.
  EXPECT_FALSE(written["users"][0].contains("admin"));
  EXPECT_FALSE(written["groups"][0].contains("description"));
}

TEST(AccountDocumentTest, RefusesWithThePath) {
  struct Bad {
    const char* text;
    const char* says;
  };
  for (const Bad& b : std::vector<Bad>{
           {R"([])", "document: must be a map of fields"},
           {R"({})", "kind: is required"},
           {R"({"kind":"v2"})", R"(kind: must be "iam.account/v1", not "v2")"},
           {R"({"kind":"iam.account/v1","colour":1})", "document.colour: unknown field"},
           {R"({"kind":"iam.account/v1","users":{}})", "users: must be a list"},
           {R"({"kind":"iam.account/v1","users":[1]})", "users[0]: must be an object"},
           {R"({"kind":"iam.account/v1","users":[{}]})", "users[0].username: is required"},
           {R"({"kind":"iam.account/v1","users":[{"username":"a"},{"username":"a"}]})",
            R"(users[1]: "a" is listed twice)"},
           {R"({"kind":"iam.account/v1","users":[{"username":"a","password":"x"}]})",
            "users[a].password: unknown field"},
           {R"({"kind":"iam.account/v1","users":[{"username":"a","admin":"yes"}]})",
            "users[a].admin: must be true or false"},
           {R"({"kind":"iam.account/v1","users":[{"username":"a","tags":{"t":1}}]})",
            "users[a].tags.t: must be a string"},
           {R"({"kind":"iam.account/v1","users":[{"username":"a","groups":["g","g"]}]})",
            R"(users[a].groups: "g" is listed twice)"},
           {R"({"kind":"iam.account/v1","roles":[{"name":"r","members":["bob"]}]})",
            "a member is user:<name> or group:<name>"},
           {R"({"kind":"iam.account/v1","policies":[{"name":"p"}]})",
            "policies[p].document: a policy document (an object) is required"},
           {R"({"kind":"iam.account/v1","groups":[{"name":"g","inline_policies":{"i":"x"}}]})",
            "groups[g].inline_policies.i: must be a policy document"},
           {R"({"kind":"iam.account/v1","acls":[{"resource":"r","grants":[{"type":"Group"}]}]})",
            "acls[r].grants[0].grantee: is required"},
       }) {
    absl::Status s = ParseError(b.text);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << b.text;
    EXPECT_NE(s.message().find(b.says), std::string::npos) << b.text << " -> " << s.message();
  }
}

TEST(AccountDocumentTest, ABoundedNumberOfObjects) {
  json doc = {{"kind", kDocumentKind}, {"users", json::array()}};
  for (int i = 0; i < 10001; ++i) doc["users"].push_back({{"username", "u" + std::to_string(i)}});
  absl::Status s = ParseAccountDocument(doc).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("at most 10000"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace iam::declarative
