// Golden tests: every case in tests/policy/testdata/*.json is an input of
// the `iam-policy eval` contract with the decision (and, where given, the
// reasons) AWS would give, or the error that refuses the input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "policy/eval_input.h"

namespace iam::policy {
namespace {

struct GoldenCase {
  std::string file;
  std::string name;
  nlohmann::json body;
};

std::vector<GoldenCase> LoadCases() {
  std::vector<GoldenCase> out;
  for (const auto& entry : std::filesystem::directory_iterator(IAM_POLICY_TESTDATA)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    nlohmann::json doc = nlohmann::json::parse(in);
    for (const auto& c : doc["cases"]) {
      out.push_back({entry.path().filename().string(), c["name"].get<std::string>(), c});
    }
  }
  return out;
}

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.file << ": " << c.name; }

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, DecidesAsAwsDoes) {
  const GoldenCase& c = GetParam();
  auto input = ParseEvalInput(c.body["input"]);
  if (c.body.contains("error")) {  // an input the contract refuses, and how
    EXPECT_EQ(input.status().message(), c.body["error"].get<std::string>()) << c.name;
    return;
  }
  ASSERT_TRUE(input.ok()) << c.file << ": " << c.name << ": " << input.status();
  Result r = Evaluate(input->inputs(), input->request, /*explain=*/true);
  nlohmann::json trace = r.trace;
  EXPECT_EQ(DecisionName(r.decision), c.body["decision"].get<std::string>())
      << c.file << ": " << c.name << "\ntrace: " << trace.dump(1);
  if (c.body.contains("reasons")) {
    EXPECT_EQ(nlohmann::json(r.Reasons()), c.body["reasons"]) << c.file << ": " << c.name;
  }
}

std::string CaseName(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.file.substr(0, info.param.file.find('.')) + "_" + info.param.name;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Testdata, GoldenTest, ::testing::ValuesIn(LoadCases()), CaseName);

TEST(GoldenFilesTest, ThereAreManyCases) { EXPECT_GE(LoadCases().size(), 150u); }

}  // namespace
}  // namespace iam::policy
