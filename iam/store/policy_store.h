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

// A stored document laid over the defaults, so that a field added to a
// policy after the document was written reads as its default. A discarded
// value (is_discarded()) when the text is not a JSON object.
nlohmann::json WithDefaults(nlohmann::json defaults, const std::string& stored);

// The account's policy of type P (anything with a static FromJson and
// ToJson), or P's defaults when the account never set one. DATA_LOSS for a
// stored document that no longer parses.
template <typename P>
absl::StatusOr<P> Load(Tx& tx, const std::string& account_id, const std::string& kind) {
  auto body = Get(tx, account_id, kind);
  if (!body.ok()) return body.status();
  if (!body->has_value()) return P{};
  const nlohmann::json doc = WithDefaults(P{}.ToJson(), **body);
  auto policy = doc.is_discarded() ? absl::InvalidArgumentError("not JSON") : P::FromJson(doc);
  if (!policy.ok()) return absl::DataLossError("stored " + kind + " policy does not parse");
  return policy;
}

}  // namespace iam::store::account_policies

#endif  // IAM_STORE_POLICY_STORE_H_
