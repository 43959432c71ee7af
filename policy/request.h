// The request a decision is made for: who (principal), what (action), on
// what (resource, and the account that owns it), and the request context
// (condition keys). Plain data; keys of the context are case-insensitive and
// stored lower-case.
#ifndef IAM_POLICY_REQUEST_H_
#define IAM_POLICY_REQUEST_H_

#include <array>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace iam::policy {

struct Principal {
  std::string account;  // twelve digits; empty when anonymous
  std::string user;     // user name
  std::string arn;      // arn:aws:iam::<account>:user/<name>, or :root
  std::vector<std::string> groups;
  std::string role;  // role ARN when acting through a role
  bool anonymous = false;
};

class Context {
 public:
  struct Entry {
    std::vector<std::string> values;
    bool multi = false;  // given as a list: a multivalued key
  };

  void Set(absl::string_view key, std::vector<std::string> values, bool multi) {
    entries_[absl::AsciiStrToLower(key)] = Entry{std::move(values), multi};
  }
  // Sets the key unless the caller already did.
  void Default(absl::string_view key, std::string value) {
    std::string k = absl::AsciiStrToLower(key);
    if (Find(k) == nullptr && !value.empty()) entries_[k] = Entry{{std::move(value)}, false};
  }
  // key must be lower-case. nullptr when absent here and in the fallbacks.
  const Entry* Find(absl::string_view key) const {
    auto it = entries_.find(key);
    if (it != entries_.end()) return &it->second;
    for (const Context* f : fallbacks_) {
      if (f == nullptr) break;
      if (const Entry* e = f->Find(key)) return e;
    }
    return nullptr;
  }
  // Keys shared by many requests (a principal's, the clock's), computed once
  // and looked up, in the order added, when this context does not set them.
  // Each must outlive this context. At most kMaxFallbacks.
  static constexpr size_t kMaxFallbacks = 2;
  void AddFallback(const Context* fallback) {
    for (const Context*& f : fallbacks_) {
      if (f == nullptr) {
        f = fallback;
        return;
      }
    }
  }

 private:
  absl::flat_hash_map<std::string, Entry> entries_;
  std::array<const Context*, kMaxFallbacks> fallbacks_{};
};

struct Request {
  Principal principal;
  std::string action;          // "s3:GetObject"
  std::string resource;        // "arn:aws:s3:::bucket/key"
  std::string resource_owner;  // empty: the principal's own account
  Context context;

  // Fills aws:username, aws:userid, aws:PrincipalAccount, aws:PrincipalArn
  // from the principal where the caller has not set them.
  void AddPrincipalKeys() {
    context.Default("aws:username", principal.user);
    context.Default("aws:PrincipalAccount", principal.account);
    context.Default("aws:PrincipalArn", principal.role.empty() ? principal.arn : principal.role);
  }
};

}  // namespace iam::policy

#endif  // IAM_POLICY_REQUEST_H_
