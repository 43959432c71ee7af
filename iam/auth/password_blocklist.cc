#include "iam/auth/password_blocklist.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iam/common/crypto.h"
#include "iam/common/text.h"

extern const char kBuiltInPasswordList[];  // generated from data/common-passwords.txt

namespace iam::auth {
namespace {

// A stable fingerprint (the first 8 bytes of SHA-256 of the lower-cased
// text): at a million entries the chance of a false hit is about 1 in 10^13.
uint64_t Fingerprint(absl::string_view password) {
  const std::string digest = crypto::Sha256(text::AsciiLower(password));
  uint64_t v;
  std::memcpy(&v, digest.data(), sizeof v);
  return v;
}

}  // namespace

void PasswordBlocklist::Add(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    fingerprints_.push_back(Fingerprint(line));
  }
}

void PasswordBlocklist::Seal() {
  std::sort(fingerprints_.begin(), fingerprints_.end());
  fingerprints_.erase(std::unique(fingerprints_.begin(), fingerprints_.end()),
                      fingerprints_.end());
  fingerprints_.shrink_to_fit();
}

PasswordBlocklist PasswordBlocklist::FromText(absl::string_view text) {
  PasswordBlocklist b;
  b.Add(text);
  b.Seal();
  return b;
}

const PasswordBlocklist& PasswordBlocklist::BuiltIn() {
  static const auto* list = new PasswordBlocklist(FromText(kBuiltInPasswordList));
  return *list;
}

absl::StatusOr<std::shared_ptr<const PasswordBlocklist>> PasswordBlocklist::LoadWithBuiltIn(
    const std::string& path) {
  auto b = std::make_shared<PasswordBlocklist>(BuiltIn());
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return absl::UnavailableError(absl::StrCat("cannot read password blocklist ", path));
    std::stringstream ss;
    ss << in.rdbuf();
    b->Add(ss.str());
    b->Seal();
  }
  return b;
}

bool PasswordBlocklist::Contains(absl::string_view password) const {
  return std::binary_search(fingerprints_.begin(), fingerprints_.end(), Fingerprint(password));
}

}  // namespace iam::auth
