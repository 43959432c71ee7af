// KeyRing: the signing keys every replica shares through the store. One key
// signs (the newest); retired keys stay published (JWKS) and keep verifying
// until every token they signed has expired. Rotation happens on command or
// when the signing key is older than the rotation period, serialised across
// replicas by a row lock. The in-memory copy is reloaded from the store at
// most once a second, and at once when a token names an unknown kid.
// Thread-safe.
#ifndef IAM_TOKEN_KEY_RING_H_
#define IAM_TOKEN_KEY_RING_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "iam/account/pii_cipher.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/store/database.h"
#include "iam/token/signing_key.h"

namespace iam::token {

// What a rotation did, for the audit record written in its transaction.
struct Rotation {
  std::string kid;                   // the new signing key
  std::string alg;
  std::vector<std::string> retired;  // the keys it replaced (none for the first)
  bool forced = false;               // on command rather than by schedule
};
using RotationRecorder = std::function<absl::Status(store::Tx&, const Rotation&)>;

struct KeyRingOptions {
  Alg alg = Alg::kES256;
  absl::Duration rotation_period = absl::Hours(24 * 30);  // ZeroDuration = on command only
  // How long a retired key stays published: the longest token lifetime plus
  // clock skew.
  absl::Duration publish_after_retire = absl::Seconds(3600 + 300);
  // Records scheduled rotations (and the first key); may be empty.
  RotationRecorder record_scheduled;
};

struct KeyInfo {
  std::string kid;
  std::string alg;
  int64_t created_at = 0;
  std::optional<int64_t> retired_at;
  std::optional<int64_t> publish_until;
};

class KeyRing {
 public:
  KeyRing(store::Database* db, const account::PiiCipher* sealer, const Clock* clock,
          Random* random, KeyRingOptions options);

  // Loads the keys, creating the first one (or rotating an overdue one).
  absl::Status Start();

  // The key to sign with now.
  absl::StatusOr<std::shared_ptr<const SigningKey>> Signer();
  // The published key of that kid; NOT_FOUND when there is none (after one
  // reload from the store).
  absl::StatusOr<std::shared_ptr<const SigningKey>> Find(const std::string& kid);

  // Makes a new signing key and retires the current one. With `force`
  // false, only when the current one is older than the rotation period.
  // `record` (or, when empty, the options' recorder) runs in the same
  // transaction, so a rotation and its audit record land together.
  // Answers the new kid ("" when nothing was due).
  absl::StatusOr<std::string> Rotate(bool force, const RotationRecorder& record = nullptr);
  // The rotation itself, inside the caller's transaction (an administrator's
  // command runs it through account::Mutations::Run); nullopt when nothing was
  // due. Once that transaction committed, call Rotated(kid).
  absl::StatusOr<std::optional<Rotation>> RotateIn(store::Tx& tx, bool force);
  absl::Status Rotated(const std::string& new_kid);

  // {"keys": [...]}: every published public key.
  absl::StatusOr<nlohmann::json> Jwks();
  absl::StatusOr<std::vector<KeyInfo>> List();

 private:
  absl::Status Reload();
  absl::Status ReloadIfStale();

  store::Database* db_;
  const account::PiiCipher* sealer_;
  const Clock* clock_;
  Random* random_;
  KeyRingOptions options_;

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const SigningKey>> keys_;  // guarded by mu_
  std::vector<KeyInfo> infos_;                                     // guarded by mu_
  std::string signer_kid_;                                         // guarded by mu_
  absl::Time loaded_at_ = absl::InfinitePast();                    // guarded by mu_
};

}  // namespace iam::token

#endif  // IAM_TOKEN_KEY_RING_H_
