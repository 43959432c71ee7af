#include "policy/yaml_syntax.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <regex>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace iam::policy {
namespace {

using nlohmann::json;

bool IsNullWord(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

bool IsBoolWord(const std::string& s, bool* value) {
  if (s == "true" || s == "True" || s == "TRUE") return *value = true, true;
  if (s == "false" || s == "False" || s == "FALSE") return *value = false, true;
  return false;
}

bool IsInteger(const std::string& s) {
  static const std::regex kInt("[-+]?(0|[1-9][0-9]*|0x[0-9a-fA-F]+|0o[0-7]+)");
  return std::regex_match(s, kInt);
}

bool IsFloat(const std::string& s) {
  static const std::regex kFloat(
      "[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  return std::regex_match(s, kFloat);
}

// Whether a plain scalar with this text would read as anything but the
// string itself.
bool ReadsAsOther(const std::string& s) {
  bool b;
  return IsNullWord(s) || IsBoolWord(s, &b) || IsInteger(s) || IsFloat(s);
}

void Emit(YAML::Emitter& out, const json& j) {
  switch (j.type()) {
    case json::value_t::object:
      if (j.empty()) out << YAML::Flow;
      out << YAML::BeginMap;
      for (auto it = j.begin(); it != j.end(); ++it) {
        out << YAML::Key;
        if (ReadsAsOther(it.key())) out << YAML::DoubleQuoted;
        out << it.key() << YAML::Value;
        Emit(out, it.value());
      }
      out << YAML::EndMap;
      return;
    case json::value_t::array:
      if (j.empty()) out << YAML::Flow;  // "[]" on the key's line
      out << YAML::BeginSeq;
      for (const auto& v : j) Emit(out, v);
      out << YAML::EndSeq;
      return;
    case json::value_t::string: {
      const std::string& s = j.get_ref<const std::string&>();
      if (ReadsAsOther(s)) out << YAML::DoubleQuoted;
      out << s;
      return;
    }
    case json::value_t::boolean:
      out << (j.get<bool>() ? "true" : "false");
      return;
    case json::value_t::number_integer:
      out << j.get<int64_t>();
      return;
    case json::value_t::number_unsigned:
      out << j.get<uint64_t>();
      return;
    case json::value_t::number_float:
      out << j.dump();
      return;
    default:
      out << YAML::Null;
  }
}

absl::StatusOr<json> FromNode(const YAML::Node& n, const std::string& path) {
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return json(nullptr);
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : n) {
        const std::string where = path.empty() ? "document" : path;
        if (!kv.first.IsScalar()) {
          return absl::InvalidArgumentError(absl::StrCat(where, ": a key must be a plain string"));
        }
        const std::string key = kv.first.Scalar();
        auto v = FromNode(kv.second, path.empty() ? key : absl::StrCat(path, ".", key));
        if (!v.ok()) return v.status();
        if (out.contains(key)) {
          return absl::InvalidArgumentError(absl::StrCat(where, ": \"", key, "\" given twice"));
        }
        out[key] = *std::move(v);
      }
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      size_t i = 0;
      for (const auto& item : n) {
        auto v = FromNode(item, absl::StrCat(path, "[", i++, "]"));
        if (!v.ok()) return v.status();
        out.push_back(*std::move(v));
      }
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() != "?") return json(s);  // quoted, or tagged: as written
      bool b;
      if (IsNullWord(s)) return json(nullptr);
      if (IsBoolWord(s, &b)) return json(b);
      int64_t i;
      if (IsInteger(s) && absl::SimpleAtoi(s, &i)) return json(i);
      double d;
      if (IsFloat(s) && absl::SimpleAtod(s, &d)) return json(d);
      return json(s);
    }
  }
  return json(nullptr);
}

}  // namespace

std::string JsonToYaml(const json& j) {
  YAML::Emitter out;
  Emit(out, j);
  return std::string(out.c_str()) + "\n";
}

absl::StatusOr<json> YamlToJson(absl::string_view text, absl::string_view what) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return FromNode(root, "");
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": line ", e.mark.line + 1, ", column ",
                                                   e.mark.column + 1, ": ", e.msg));
  }
}

}  // namespace iam::policy
