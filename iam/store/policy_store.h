// PolicyStore: an account's settings documents (password, lockout, session
// policies...) as JSON text by kind, inside a caller's transaction.
#ifndef IAM_STORE_POLICY_STORE_H_
#define IAM_STORE_POLICY_STORE_H_

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "iam/store/database.h"

namespace iam::store::account_policies {

// nullopt when the account never set that kind.
absl::StatusOr<std::optional<std::string>> Get(Tx& tx, const std::string& account_id,
                                               const std::string& kind);
absl::Status Put(Tx& tx, const std::string& account_id, const std::string& kind,
                 const std::string& body, int64_t now);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

// The account's policy of type P (anything with a static FromJson), or P's
// defaults when the account never set one. DATA_LOSS for a stored document
// that no longer parses.
template <typename P>
absl::StatusOr<P> Load(Tx& tx, const std::string& account_id, const std::string& kind) {
  auto body = Get(tx, account_id, kind);
  if (!body.ok()) return body.status();
  if (!body->has_value()) return P{};
  auto policy = P::FromJson(nlohmann::json::parse(**body, nullptr, false));
  if (!policy.ok()) return absl::DataLossError("stored " + kind + " policy does not parse");
  return policy;
}

}  // namespace iam::store::account_policies

#endif  // IAM_STORE_POLICY_STORE_H_
