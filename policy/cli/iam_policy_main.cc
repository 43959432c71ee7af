// iam-policy: validate policy documents and evaluate requests offline.
//   iam-policy validate [--kind identity|resource] [--max-size N] [--strict]
//                       [--service NAME]... < policy.json   (then the findings, lint.h)
//   iam-policy eval [--explain] < input.json
//   iam-policy test FILE...   (policy_tests.h; YAML or JSON; - for stdin)
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "policy/eval_input.h"
#include "policy/json_syntax.h"
#include "policy/lint.h"
#include "policy/policy.h"
#include "policy/policy_tests.h"
#include "policy/yaml_syntax.h"

namespace {

constexpr size_t kMaxInput = 64 * 1024 * 1024;

int Usage() {
  std::cerr << "usage: iam-policy validate [--kind identity|resource] [--max-size N] [--strict]\n"
               "                          [--service NAME]... < policy\n"
               "       iam-policy eval [--explain] < input\n"
               "       iam-policy test FILE... (- for stdin)\n";
  return 2;
}

bool ReadStdin(std::string* out) {
  std::istreambuf_iterator<char> begin(std::cin), end;
  for (; begin != end; ++begin) {
    if (out->size() >= kMaxInput) return false;
    out->push_back(*begin);
  }
  return true;
}

// Exit 0 when valid (1 with --strict and a security warning or error
// among the findings), 1 when invalid.
int Validate(int argc, char** argv) {
  iam::policy::ParseOptions options;
  iam::policy::LintOptions lint;
  bool strict = false;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--strict") {
      strict = true;
    } else if (arg == "--service" && i + 1 < argc) {
      lint.services.push_back(argv[++i]);
    } else if (arg == "--kind" && i + 1 < argc) {
      const std::string kind = argv[++i];
      if (kind == "identity") {
        options.kind = iam::policy::PolicyKind::kIdentity;
      } else if (kind == "resource") {
        options.kind = iam::policy::PolicyKind::kResource;
      } else {
        return Usage();
      }
    } else if (arg == "--max-size" && i + 1 < argc) {
      if (!absl::SimpleAtoi(argv[++i], &options.max_size) || options.max_size == 0) return Usage();
    } else {
      return Usage();
    }
  }
  std::string text;
  if (!ReadStdin(&text)) {
    std::cerr << "invalid: input larger than 64 MiB\n";
    return 1;
  }
  auto policy = iam::policy::ParsePolicy(text, options);
  if (!policy.ok()) {
    std::cout << "invalid: " << policy.status().message() << "\n";
    return 1;
  }
  std::cout << "valid\n";
  auto json = iam::policy::ParseJson(text, "policy");
  if (!json.ok()) return 0;  // unreachable: the document parsed
  bool serious = false;
  for (const auto& f : iam::policy::LintPolicy(*json, options.kind, lint)) {
    std::cout << iam::policy::SeverityName(f.severity) << " " << f.code << " " << f.path << ": "
              << f.message << "\n";
    serious = serious || f.severity == iam::policy::Severity::kSecurityWarning ||
              f.severity == iam::policy::Severity::kError;
  }
  return strict && serious ? 1 : 0;
}

int Eval(int argc, char** argv) {
  bool explain = false;
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--explain") {
      explain = true;
    } else {
      return Usage();
    }
  }
  std::string text;
  if (!ReadStdin(&text)) {
    std::cerr << "error: input larger than 64 MiB\n";
    return 2;
  }
  auto json = iam::policy::ParseJson(text, "$");
  if (!json.ok()) {
    std::cerr << "error: " << json.status().message() << "\n";
    return 2;
  }
  auto input = iam::policy::ParseEvalInput(*json);
  if (!input.ok()) {
    std::cerr << "error: " << input.status().message() << "\n";
    return 2;
  }
  auto result = iam::policy::Evaluate(input->inputs(), input->request, explain);
  std::cout << iam::policy::ResultToJson(result, explain).dump(explain ? 2 : -1) << "\n";
  return 0;
}

// Runs the test files: a line per test, the failures explained, a total.
// Exit 0 when every test passed, 1 when one failed, 2 for a file that
// cannot be read or is malformed (nothing of it runs).
int Test(int argc, char** argv) {
  if (argc < 3) return Usage();
  int passed = 0, failed = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string path = argv[i];
    std::string text;
    if (path == "-") {
      if (!ReadStdin(&text)) {
        std::cerr << "error: input larger than 64 MiB\n";
        return 2;
      }
    } else {
      std::ifstream in(path);
      if (!in) {
        std::cerr << "error: " << path << ": cannot read\n";
        return 2;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
    auto file = iam::policy::YamlToJson(text, path);
    if (!file.ok()) {
      std::cerr << "error: " << file.status().message() << "\n";
      return 2;
    }
    auto outcomes = iam::policy::RunPolicyTests(*file);
    if (!outcomes.ok()) {
      std::cerr << "error: " << path << ": " << outcomes.status().message() << "\n";
      return 2;
    }
    for (const auto& o : *outcomes) {
      if (o.passed) {
        ++passed;
        std::cout << "ok    " << o.name << "\n";
        continue;
      }
      ++failed;
      std::cout << "FAIL  " << o.name << "\n      expected " << o.expected << ", got " << o.got
                << "\n";
      if (o.expected_reasons) {
        std::cout << "      expected reasons: " << nlohmann::json(*o.expected_reasons).dump()
                  << "\n";
      }
      std::cout << "      reasons: " << nlohmann::json(o.reasons).dump() << "\n";
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string cmd = argv[1];
  if (cmd == "validate") return Validate(argc, argv);
  if (cmd == "eval") return Eval(argc, argv);
  if (cmd == "test") return Test(argc, argv);
  return Usage();
}
