#include "iam/cli/output.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "policy/yaml_syntax.h"
#include "iam/common/text.h"

namespace iam::cli {

void PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = true;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, opts);
  std::cout << out;
  if (out.empty() || out.back() != '\n') std::cout << "\n";
}

void PrintYaml(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  opts.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, opts);
  std::cout << policy::JsonToYaml(nlohmann::json::parse(json, nullptr, false));
}

void PrintTable(const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(headers.size());
  auto cells = [](const std::string& s) { return iam::text::CodePoints(s); };
  for (size_t c = 0; c < headers.size(); ++c) width[c] = headers[c].size();
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size() && c < width.size(); ++c) {
      width[c] = std::max(width[c], cells(r[c]));
    }
  }
  auto line = [&](const std::vector<std::string>& r) {
    std::string out;
    for (size_t c = 0; c < r.size(); ++c) {
      out += r[c];
      if (c + 1 < r.size()) out += std::string(width[c] - cells(r[c]) + 2, ' ');
    }
    std::cout << out << "\n";
  };
  line(headers);
  for (const auto& r : rows) line(r);
}

std::string FormatTime(const google::protobuf::Timestamp& t, bool set) {
  if (!set) return "-";
  return google::protobuf::util::TimeUtil::ToString(t);
}

std::string CsvField(const std::string& field) {
  const bool formula =
      !field.empty() && std::string("=+-@\t\r").find(field[0]) != std::string::npos;
  if (!formula && field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = formula ? "\"'" : "\"";
  for (char ch : field) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string EnumLabel(const std::string& name) {
  for (const char* prefix : {"ACCOUNT_STATE_", "USER_STATE_", "ACCESS_KEY_STATE_"}) {
    if (name.rfind(prefix, 0) == 0) return absl::AsciiStrToLower(name.substr(strlen(prefix)));
  }
  return absl::AsciiStrToLower(name);
}

}  // namespace iam::cli
