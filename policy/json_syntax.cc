#include "policy/json_syntax.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace iam::policy {
namespace {

using Json = nlohmann::json;

// Accepts every event; keeps the first error's message.
struct ErrorListener {
  std::string error;

  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(Json::number_integer_t) { return true; }
  bool number_unsigned(Json::number_unsigned_t) { return true; }
  bool number_float(Json::number_float_t, const Json::string_t&) { return true; }
  bool string(Json::string_t&) { return true; }
  bool binary(Json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(Json::string_t&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 3, column 14: ..."
    absl::string_view what = e.what();
    const size_t at = what.find("at line ");
    if (at != absl::string_view::npos) {
      what.remove_prefix(at + 3);
    } else if (const size_t close = what.find("] "); close != absl::string_view::npos) {
      what.remove_prefix(close + 2);
    }
    // The message quotes the bytes last read, which may be anything: only
    // printable ASCII goes into an error that is shown and logged.
    error.clear();
    for (char c : what) error += c >= 0x20 && c < 0x7f ? c : '?';
    return false;
  }
};

}  // namespace

std::string JsonSyntaxError(absl::string_view text) {
  ErrorListener listener;
  Json::sax_parse(text.begin(), text.end(), &listener);
  return listener.error;
}

absl::StatusOr<nlohmann::json> ParseJson(absl::string_view text, absl::string_view what) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_discarded()) return doc;
  std::string error = JsonSyntaxError(text);
  if (error.empty()) error = "not JSON";
  return absl::InvalidArgumentError(absl::StrCat(what, ": not valid JSON (", error, ")"));
}

}  // namespace iam::policy
