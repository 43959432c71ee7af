#include "iam/account/separation_of_duties.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/store/role_store.h"

namespace iam::account {

absl::Status CheckSeparation(store::Tx& tx, const std::string& account_id,
                             const std::string& user_id, const std::string& username,
                             const std::vector<std::string>& extra_role_ids, int64_t now) {
  ASSIGN_OR_RETURN(auto rules, store::roles::ListSodRules(tx, account_id));
  if (rules.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<std::string> held, store::roles::HeldRoleIds(tx, user_id, now));
  held.insert(held.end(), extra_role_ids.begin(), extra_role_ids.end());
  std::sort(held.begin(), held.end());
  held.erase(std::unique(held.begin(), held.end()), held.end());
  for (const auto& rule : rules) {
    std::vector<std::string> hits;
    for (const std::string& id : rule.role_ids) {
      if (std::binary_search(held.begin(), held.end(), id)) hits.push_back(id);
    }
    if (hits.size() < 2) continue;
    std::string a = hits[0], b = hits[1];
    auto ra = store::roles::Get(tx, hits[0]);
    auto rb = store::roles::Get(tx, hits[1]);
    if (ra.ok()) a = ra->name;
    if (rb.ok()) b = rb->name;
    return absl::FailedPreconditionError(
        absl::StrCat("separation of duties: rule ", rule.name, " forbids user ", username,
                     " to hold both role ", a, " and role ", b));
  }
  return absl::OkStatus();
}

}  // namespace iam::account
