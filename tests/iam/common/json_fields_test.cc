#include "iam/common/json_fields.h"

#include <gtest/gtest.h>

namespace iam {
namespace {

struct Inner {
  int limit = 3;
  template <typename Self, typename Field>
  static void Fields(Self& self, Field&& field) {
    field("limit", self.limit);
  }
};

struct Doc {
  Inner web;
  bool on = true;
  std::string mode = "warn";
  std::vector<std::string> groups{"ops"};
  template <typename Self, typename Field>
  static void Fields(Self& self, Field&& field) {
    field("web", self.web);
    field("on", self.on);
    field("mode", self.mode);
    field("groups", self.groups);
  }
};

TEST(JsonFieldsTest, TheDefaultsAreTheDocumentAndReadBack) {
  const nlohmann::json j = FieldsJson(Doc{});
  EXPECT_EQ(
      j, nlohmann::json::parse(R"({"web":{"limit":3},"on":true,"mode":"warn","groups":["ops"]})"));
  Doc d;
  d.on = false;
  d.web.limit = 0;
  d.groups.clear();
  ASSERT_TRUE(ReadFields(j, &d).ok());
  EXPECT_TRUE(d.on);
  EXPECT_EQ(d.web.limit, 3);
  EXPECT_EQ(d.groups, std::vector<std::string>{"ops"});
}

TEST(JsonFieldsTest, EveryProblemNamesItsField) {
  auto problem = [](const char* text) {
    Doc d;
    return std::string(ReadFields(nlohmann::json::parse(text), &d).message());
  };
  EXPECT_EQ(problem(R"({"web":{"limit":3},"on":true,"mode":"warn"})"),
            "groups: missing (state every field)");
  EXPECT_EQ(problem(R"({"web":{"limit":3},"on":1,"mode":"warn","groups":[]})"), "on: wrong type");
  EXPECT_EQ(problem(R"({"web":{"limit":3},"on":true,"mode":"warn","groups":[1]})"),
            "groups: wrong type");
  EXPECT_EQ(problem(R"({"web":{"limit":3},"on":true,"mode":"warn","groups":[],"x":1})"),
            "x: unknown field");
  EXPECT_EQ(problem(R"({"web":{"limit":"3"},"on":true,"mode":"warn","groups":[]})"),
            "web.limit: wrong type");
  EXPECT_EQ(problem(R"({"on":true,"mode":"warn","groups":[]})"), "web: missing");
  EXPECT_EQ(problem(R"({"web":{"limit":4294967296},"on":true,"mode":"warn","groups":[]})"),
            "web.limit: wrong type");
  EXPECT_EQ(problem(R"([])"), "policy: must be a JSON object");
}

}  // namespace
}  // namespace iam
