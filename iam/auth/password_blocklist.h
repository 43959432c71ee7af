// PasswordBlocklist: weak and breached passwords, compared without regard to
// ASCII case. Kept as a sorted array of 64-bit fingerprints: a million
// entries take 8 MB and a lookup is a binary search. Immutable after
// construction, so thread-safe.
#ifndef IAM_AUTH_PASSWORD_BLOCKLIST_H_
#define IAM_AUTH_PASSWORD_BLOCKLIST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::auth {

class PasswordBlocklist {
 public:
  // One password per line; blank lines and lines starting with '#' skipped.
  static PasswordBlocklist FromText(absl::string_view text);
  // The list shipped with the service (data/common-passwords.txt).
  static const PasswordBlocklist& BuiltIn();
  // The built-in list plus the file's entries. UNAVAILABLE when unreadable.
  static absl::StatusOr<std::shared_ptr<const PasswordBlocklist>> LoadWithBuiltIn(
      const std::string& path);

  bool Contains(absl::string_view password) const;
  size_t size() const { return fingerprints_.size(); }

 private:
  void Add(absl::string_view text);
  void Seal();

  std::vector<uint64_t> fingerprints_;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_PASSWORD_BLOCKLIST_H_
