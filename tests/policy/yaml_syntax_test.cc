// YAML as iamctl writes and reads it: every JSON value comes back as it
// was, strings that look like something else included.
#include "policy/yaml_syntax.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace iam::policy {
namespace {

using nlohmann::json;

TEST(YamlJsonTest, ReadsBackWhatItWrites) {
  const json doc = {
      {"strings", {"123", "0042", "true", "False", "null", "~", "", "1e3", ".inf", "-7", "0x1F",
                   "2012-10-17", "a: b", "# not a comment", "- dash", "雪", "'quoted'"}},
      {"numbers", {0, -1, 123456789012, 2.5}},
      {"bools", {true, false}},
      {"nothing", nullptr},
      {"empty_list", json::array()},
      {"empty_map", json::object()},
      {"123", "a key that looks like a number"},
      {"nested", {{"Statement", {{{"Effect", "Allow"}, {"Condition", {{"Bool", {{"aws:SecureTransport", "false"}}}}}}}}}},
  };
  const std::string yaml = JsonToYaml(doc);
  ASSERT_OK_AND_ASSIGN(json back, YamlToJson(yaml, "test"));
  EXPECT_EQ(back, doc) << yaml;
}

TEST(YamlJsonTest, ReadsJsonAndPlainYaml) {
  ASSERT_OK_AND_ASSIGN(json j, YamlToJson(R"({"a": [1, "2"]})", "t"));
  EXPECT_EQ(j, json({{"a", {1, "2"}}}));
  ASSERT_OK_AND_ASSIGN(json y, YamlToJson("a:\n  - 1\n  - '2'\n  - yes\n", "t"));
  EXPECT_EQ(y, json({{"a", {1, "2", "yes"}}}));  // YAML 1.2: yes is a string
}

TEST(YamlJsonTest, ErrorsSayWhere) {
  absl::Status s = YamlToJson("a: [1,\nb: 2\n", "acme.yaml").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("acme.yaml: line "), std::string::npos) << s.message();
  absl::Status twice = YamlToJson("a: 1\na: 2\n", "f").status();
  EXPECT_EQ(twice.code(), absl::StatusCode::kInvalidArgument) << twice.message();
}

}  // namespace
}  // namespace iam::policy
