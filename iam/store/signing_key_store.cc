#include "iam/store/signing_key_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::signing_keys {

absl::Status LockRotation(Tx& tx) {
  return tx.Exec("UPDATE service_locks SET version = version + 1 WHERE name = 'signing-keys'", {})
      .status();
}

absl::Status Insert(Tx& tx, const SigningKeyRow& k) {
  return tx
      .Exec("INSERT INTO signing_keys (kid, alg, private_enc, public_jwk, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            {k.kid, k.alg, k.private_enc, k.public_jwk, k.created_at})
      .status();
}

absl::StatusOr<std::vector<SigningKeyRow>> ListPublished(Tx& tx, int64_t now) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT kid, alg, private_enc, public_jwk, created_at, retired_at, "
                            "publish_until FROM signing_keys WHERE publish_until IS NULL OR "
                            "publish_until > ? ORDER BY created_at DESC, kid",
                            {now}));
  std::vector<SigningKeyRow> out;
  for (const Row& r : rows) {
    out.push_back(SigningKeyRow{r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Int(4), r.OptInt(5),
                                r.OptInt(6)});
  }
  return out;
}

absl::Status Retire(Tx& tx, const std::string& kid, int64_t at, int64_t publish_until) {
  return tx
      .Exec("UPDATE signing_keys SET retired_at = ?, publish_until = ? "
            "WHERE kid = ? AND retired_at IS NULL",
            {at, publish_until, kid})
      .status();
}

absl::StatusOr<int64_t> DeleteExpired(Tx& tx, int64_t now) {
  return tx.Exec("DELETE FROM signing_keys WHERE publish_until IS NOT NULL AND publish_until <= ?",
                 {now});
}

}  // namespace iam::store::signing_keys
