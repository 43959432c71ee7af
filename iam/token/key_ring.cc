#include "iam/token/key_ring.h"

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/store/signing_key_store.h"

namespace iam::token {
namespace {

constexpr absl::Duration kStaleAfter = absl::Seconds(1);

std::string Binding(const std::string& kid) { return absl::StrCat("signing-key/", kid); }

}  // namespace

KeyRing::KeyRing(store::Database* db, const account::PiiCipher* sealer, const Clock* clock,
                 Random* random, KeyRingOptions options)
    : db_(db), sealer_(sealer), clock_(clock), random_(random), options_(options) {}

absl::Status KeyRing::Start() {
  RETURN_IF_ERROR(Rotate(false).status());
  return Reload();
}

absl::Status KeyRing::Reload() {
  const int64_t now = ToUnixMillisUtc(clock_->Now());
  std::vector<store::SigningKeyRow> rows;
  RETURN_IF_ERROR(db_->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows, store::signing_keys::ListPublished(tx, now));
    return absl::OkStatus();
  }));
  std::map<std::string, std::shared_ptr<const SigningKey>> keys;
  std::vector<KeyInfo> infos;
  std::string signer;
  {
    std::lock_guard<std::mutex> lock(mu_);
    keys = keys_;  // parsed keys are reused: PEM parsing is not free
  }
  std::map<std::string, std::shared_ptr<const SigningKey>> next;
  for (const auto& r : rows) {
    infos.push_back(KeyInfo{r.kid, r.alg, r.created_at, r.retired_at, r.publish_until});
    if (!r.retired_at && signer.empty()) signer = r.kid;
    auto have = keys.find(r.kid);
    if (have != keys.end()) {
      next[r.kid] = have->second;
      continue;
    }
    auto alg = ParseAlg(r.alg);
    if (!alg.ok()) continue;
    auto pem = sealer_->Open(r.private_enc, Binding(r.kid));
    if (!pem.ok()) {
      log::Error("signing key does not open under the master key", {{"kid", r.kid}});
      continue;
    }
    auto key = SigningKey::FromPrivatePem(*alg, r.kid, *pem);
    if (!key.ok()) continue;
    next[r.kid] = *key;
  }
  std::lock_guard<std::mutex> lock(mu_);
  keys_ = std::move(next);
  infos_ = std::move(infos);
  signer_kid_ = signer;
  loaded_at_ = clock_->Now();
  return absl::OkStatus();
}

absl::Status KeyRing::ReloadIfStale() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (clock_->Now() - loaded_at_ < kStaleAfter) return absl::OkStatus();
  }
  return Reload();
}

absl::StatusOr<std::shared_ptr<const SigningKey>> KeyRing::Signer() {
  RETURN_IF_ERROR(ReloadIfStale());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(signer_kid_);
  if (it == keys_.end()) return absl::UnavailableError("no signing key is available");
  return it->second;
}

absl::StatusOr<std::shared_ptr<const SigningKey>> KeyRing::Find(const std::string& kid) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = keys_.find(kid);
    if (it != keys_.end() && clock_->Now() - loaded_at_ < kStaleAfter) return it->second;
  }
  // Unknown here, or possibly withdrawn since: ask the store (bounded to once
  // a second so that made-up kids cannot hammer it).
  RETURN_IF_ERROR(ReloadIfStale());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(kid);
  if (it == keys_.end()) return absl::NotFoundError("unknown signing key");
  return it->second;
}

absl::StatusOr<std::optional<Rotation>> KeyRing::RotateIn(store::Tx& tx, bool force) {
  RETURN_IF_ERROR(store::signing_keys::LockRotation(tx));
  const int64_t now = ToUnixMillisUtc(clock_->Now());
  ASSIGN_OR_RETURN(auto rows, store::signing_keys::ListPublished(tx, now));
  const store::SigningKeyRow* active = nullptr;
  for (const auto& r : rows) {
    if (!r.retired_at) {
      active = &r;
      break;
    }
  }
  if (!force && active != nullptr) {
    const bool due = options_.rotation_period > absl::ZeroDuration() &&
                     now - active->created_at >= absl::ToInt64Milliseconds(options_.rotation_period);
    if (!due) return std::nullopt;
  }
  const std::string kid = crypto::Base64Url(random_->Bytes(12));
  ASSIGN_OR_RETURN(auto key, SigningKey::Generate(options_.alg, kid));
  store::SigningKeyRow row{kid,
                           AlgName(options_.alg),
                           sealer_->Seal(key->PrivatePem(), Binding(kid)),
                           key->PublicJwk().dump(),
                           now,
                           std::nullopt,
                           std::nullopt};
  RETURN_IF_ERROR(store::signing_keys::Insert(tx, row));
  const int64_t publish_until = now + absl::ToInt64Milliseconds(options_.publish_after_retire);
  Rotation rotation{kid, AlgName(options_.alg), {}, force};
  for (const auto& r : rows) {
    if (r.retired_at) continue;
    RETURN_IF_ERROR(store::signing_keys::Retire(tx, r.kid, now, publish_until));
    rotation.retired.push_back(r.kid);
  }
  RETURN_IF_ERROR(store::signing_keys::DeleteExpired(tx, now).status());
  return rotation;
}

absl::Status KeyRing::Rotated(const std::string& new_kid) {
  log::Info("signing key rotated", {{"kid", new_kid}, {"alg", AlgName(options_.alg)}});
  return Reload();
}

absl::StatusOr<std::string> KeyRing::Rotate(bool force, const RotationRecorder& record) {
  const RotationRecorder& recorder = record ? record : options_.record_scheduled;
  std::string new_kid;
  RETURN_IF_ERROR(db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    new_kid.clear();
    ASSIGN_OR_RETURN(std::optional<Rotation> rotation, RotateIn(tx, force));
    if (!rotation) return absl::OkStatus();
    if (recorder) RETURN_IF_ERROR(recorder(tx, *rotation));
    new_kid = rotation->kid;
    return absl::OkStatus();
  }));
  if (!new_kid.empty()) RETURN_IF_ERROR(Rotated(new_kid));
  return new_kid;
}

absl::StatusOr<nlohmann::json> KeyRing::Jwks() {
  RETURN_IF_ERROR(ReloadIfStale());
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& info : infos_) {
    auto it = keys_.find(info.kid);
    if (it != keys_.end()) keys.push_back(it->second->PublicJwk());
  }
  return nlohmann::json{{"keys", keys}};
}

absl::StatusOr<std::vector<KeyInfo>> KeyRing::List() {
  RETURN_IF_ERROR(ReloadIfStale());
  std::lock_guard<std::mutex> lock(mu_);
  return infos_;
}

}  // namespace iam::token
