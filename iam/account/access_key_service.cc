#include "iam/account/access_key_service.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/account/ids.h"
#include "iam/account/mutation.h"
#include "iam/common/cidr.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/access_key_store.h"
#include "iam/store/client_store.h"
#include "iam/store/user_store.h"

namespace iam::account {
namespace {

constexpr size_t kMaxCidrs = 32;
constexpr size_t kMaxTokenBytes = 128;

absl::StatusOr<std::string> NormalizeCidrs(const std::vector<std::string>& cidrs) {
  if (cidrs.size() > kMaxCidrs) {
    return absl::InvalidArgumentError("allowed_cidrs: at most 32 entries");
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < cidrs.size(); ++i) {
    auto c = Cidr::Parse(cidrs[i]);
    if (!c.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("allowed_cidrs[", i, "]: ", c.status().message()));
    }
    out.push_back(c->ToString());
  }
  return absl::StrJoin(out, ",");
}

bool SourceAllowed(const std::string& cidrs, const std::string& source_ip) {
  if (cidrs.empty()) return true;
  auto ip = IpAddress::Parse(source_ip);
  if (!ip) return false;
  for (absl::string_view c : absl::StrSplit(cidrs, ',')) {
    auto net = Cidr::Parse(c);
    if (net.ok() && net->Contains(*ip)) return true;
  }
  return false;
}

// Splits "<key id>.<secret>"; both parts in their own alphabets.
bool SplitToken(absl::string_view token, std::string* id, std::string* secret) {
  if (token.size() > kMaxTokenBytes) return false;
  const size_t dot = token.find('.');
  if (dot == absl::string_view::npos) return false;
  *id = std::string(token.substr(0, dot));
  *secret = std::string(token.substr(dot + 1));
  if (id->size() != 20 || id->rfind("AKIA", 0) != 0 || secret->size() < 32) return false;
  for (char c : *id) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  for (char c : *secret) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string SecretHash(absl::string_view secret) { return crypto::Hex(crypto::Sha256(secret)); }

// One answer for every reason a key is refused; the reason goes to *why,
// for the server's log only.
absl::Status Denied(std::string reason, std::string* why) {
  if (why) *why = std::move(reason);
  return absl::UnauthenticatedError("invalid or missing access key");
}

}  // namespace

AccessKeyView AccessKeyService::View(const store::AccessKeyRow& row,
                                     const std::string& username) const {
  std::string state = "active";
  if (row.revoked_at) {
    state = "revoked";
  } else if (row.expires_at && *row.expires_at <= clock_.NowMs()) {
    state = "expired";
  }
  return AccessKeyView{row, username, state};
}

absl::StatusOr<CreatedAccessKey> AccessKeyService::InsertInTx(store::Tx& tx,
                                                              const store::UserRow& user,
                                                              const NewAccessKey& key) const {
  RETURN_IF_ERROR(text::CheckFreeText("description", key.description, text::kMaxDescriptionChars));
  ASSIGN_OR_RETURN(std::string cidrs, NormalizeCidrs(key.allowed_cidrs));
  const int64_t now = clock_.NowMs();
  if (key.expires_at && ToUnixMillisUtc(*key.expires_at) <= now) {
    return absl::InvalidArgumentError("expire_time: must be in the future");
  }
  ASSIGN_OR_RETURN(auto existing, store::access_keys::ListByUser(tx, user.id));
  int active = 0;
  for (const auto& k : existing) {
    if (!k.revoked_at && !(k.expires_at && *k.expires_at <= now)) ++active;
  }
  if (active >= settings_.max_active_keys_per_user) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the user has ", active, " active access keys, the most allowed; revoke one first"));
  }
  std::string id, secret;
  if (!key.preset_token.empty()) {
    if (!SplitToken(key.preset_token, &id, &secret)) {
      return absl::InvalidArgumentError(
          "bootstrap access key: must be AKIA + 16 of [A-Z0-9], '.', and a secret of at least "
          "32 base64url characters");
    }
  } else {
    id = NewAccessKeyId(random_);
    secret = NewSecret(random_);
  }
  store::AccessKeyRow row{
      id,  user.account_id, user.id,     SecretHash(secret), key.description, cidrs,
      now, std::nullopt,    std::nullopt, std::nullopt};
  if (key.expires_at) row.expires_at = ToUnixMillisUtc(*key.expires_at);
  // The key it signs requests with, sealed and bound to the key id: the
  // store alone gives neither the secret nor the power to sign.
  if (pii_ != nullptr) row.signing_key_enc = pii_->Seal(SigningKeyOf(secret), "access-key:" + id);
  RETURN_IF_ERROR(store::access_keys::Insert(tx, row));
  return CreatedAccessKey{AccessKeyView{row, user.username, "active"}, id + "." + secret};
}

absl::StatusOr<CreatedAccessKey> AccessKeyService::Create(const Caller& caller,
                                                          const std::string& account_id,
                                                          const NewAccessKey& key) {
  Operation op{"iam:CreateAccessKey", account_id, "user/" + key.username,
               // A new key is looked up when first used: nothing to recompile.
               Touches::kAccountData};
  op.Check(text::CheckName("username", key.username, 64));
  op.Check(key.preset_token.empty()
               ? absl::OkStatus()
               : absl::InvalidArgumentError("a preset key is for bootstrap only"));
  CreatedAccessKey created;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::UserRow user,
                         store::users::GetByUsername(tx, account, key.username));
        if (user.kind == store::UserKind::kService) {
          return absl::FailedPreconditionError(
              "this user is an OAuth client's service account: it authenticates with its "
              "client's credentials, not an access key");
        }
        ASSIGN_OR_RETURN(created, InsertInTx(tx, user, key));
        record.Object("access-key", created.key.row.id);
        record.detail["username"] = user.username;
        record.detail["allowed_cidrs"] = created.key.row.allowed_cidrs;
        if (created.key.row.expires_at) record.detail["expires_at"] = *created.key.row.expires_at;
        return absl::OkStatus();
      }));
  return created;
}

absl::StatusOr<std::vector<AccessKeyView>> AccessKeyService::List(const Caller& caller,
                                                                  const std::string& account_id,
                                                                  const std::string& username) {
  Operation op{"iam:ListAccessKeys", account_id, "user/" + (username.empty() ? "*" : username)};
  if (!username.empty()) op.Check(text::CheckName("username", username, 64));
  ASSIGN_OR_RETURN(std::string account, mutations_.Admit(caller, op));
  std::vector<AccessKeyView> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.clear();
    std::vector<store::AccessKeyRow> rows;
    if (username.empty()) {
      ASSIGN_OR_RETURN(rows, store::access_keys::ListByAccount(tx, account));
    } else {
      ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
      ASSIGN_OR_RETURN(rows, store::access_keys::ListByUser(tx, u.id));
    }
    std::map<std::string, std::string> names;
    for (const auto& r : rows) {
      if (!names.count(r.user_id)) {
        ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, r.user_id));
        names[r.user_id] = u.username;
      }
      out.push_back(View(r, names[r.user_id]));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<AccessKeyView> AccessKeyService::Revoke(const Caller& caller,
                                                       const std::string& account_id,
                                                       const std::string& key_id) {
  // Touches authorization: every replica drops its cached keys.
  Operation op{"iam:RevokeAccessKey", account_id, "access-key/" + key_id};
  op.Check(text::CheckName("key_id", key_id, 32));
  AccessKeyView view;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::AccessKeyRow row, store::access_keys::Get(tx, key_id));
        if (row.account_id != account) return absl::NotFoundError("access key not found");
        ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, row.user_id));
        record.Object("access-key", key_id);
        record.detail["username"] = u.username;
        if (row.revoked_at) {
          record.detail["unchanged"] = true;  // revoked before: asked again
        } else {
          row.revoked_at = clock_.NowMs();
          RETURN_IF_ERROR(store::access_keys::Revoke(tx, key_id, *row.revoked_at));
        }
        view = View(row, u.username);
        return absl::OkStatus();
      }));
  return view;
}

absl::StatusOr<store::access_keys::KeyWithOwner> AccessKeyService::Lookup(
    const std::string& id) const {
  store::access_keys::KeyWithOwner k;
  std::optional<store::access_keys::KeyWithOwner> cached;
  if (credentials_ != nullptr) cached = credentials_->keys.Get(id);
  if (cached) return *std::move(cached);
  const uint64_t generation = credentials_ ? credentials_->keys.Generation() : 0;
  absl::Status s = db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(k, store::access_keys::GetWithOwner(tx, id));
    return absl::OkStatus();
  });
  if (s.ok() && credentials_ != nullptr) credentials_->keys.Put(id, k, generation);
  // The store is away: the record read before the outage still answers
  // for a while (the secret, expiry and state are checked as usual).
  if (outage_ != nullptr && credentials_ != nullptr) {
    if (auto stale = outage_->StaleAnswer(s, credentials_->keys, id)) return *std::move(stale);
  }
  RETURN_IF_ERROR(s);
  return k;
}

absl::StatusOr<Caller> AccessKeyService::Admit(const store::access_keys::KeyWithOwner& k,
                                               const std::string& source_ip,
                                               const std::string& user_agent,
                                               std::string* why) const {
  auto fail = [why](std::string reason) { return Denied(std::move(reason), why); };
  if (k.key.revoked_at) return fail("key revoked");
  if (k.key.expires_at && *k.key.expires_at <= clock_.NowMs()) return fail("key expired");
  if (!SourceAllowed(k.key.allowed_cidrs, source_ip)) return fail("source address not allowed");
  if (k.user_state != store::UserState::kActive) return fail("user disabled");
  if (k.account_state != store::AccountState::kActive) return fail("account not active");
  Caller c;
  c.account_id = k.key.account_id;
  c.user_id = k.key.user_id;
  c.username = k.username;
  c.access_key_id = k.key.id;
  c.is_admin = k.is_admin;
  c.system_account = k.account_is_system;
  c.source_ip = source_ip;
  c.user_agent = user_agent;
  return c;
}

absl::StatusOr<Caller> AccessKeyService::Authenticate(absl::string_view token,
                                                      const std::string& source_ip,
                                                      const std::string& user_agent,
                                                      std::string* why) const {
  auto fail = [why](std::string reason) { return Denied(std::move(reason), why); };
  std::string id, secret;
  if (!SplitToken(token, &id, &secret)) return fail("malformed token");
  const std::string presented = SecretHash(secret);
  auto k = Lookup(id);
  if (absl::IsNotFound(k.status())) {
    // Same work as a known key, so timing does not tell whether it exists.
    crypto::ConstantTimeEquals(presented, std::string(presented.size(), '0'));
    return fail("unknown key id");
  }
  RETURN_IF_ERROR(k.status());
  if (!crypto::ConstantTimeEquals(presented, k->key.secret_hash)) return fail("wrong secret");
  return Admit(*k, source_ip, user_agent, why);
}

absl::StatusOr<Caller> AccessKeyService::AuthenticateSigned(const SignedAuthorization& a,
                                                            const std::string& method,
                                                            const std::string& body_sha256_hex,
                                                            const std::string& source_ip,
                                                            const std::string& user_agent,
                                                            std::string* why) const {
  auto fail = [why](std::string reason) { return Denied(std::move(reason), why); };
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  if (a.timestamp < now - kMaxRequestSkewSeconds || a.timestamp > now + kMaxRequestSkewSeconds) {
    // Said plainly: a client with a wrong clock must be able to tell.
    if (why) *why = "stale timestamp";
    return absl::UnauthenticatedError(
        "signed request: Timestamp is more than 5 minutes from the server's clock");
  }
  auto k = Lookup(a.key_id);
  if (absl::IsNotFound(k.status())) return fail("unknown key id");
  RETURN_IF_ERROR(k.status());
  if (!k->key.signing_key_enc || pii_ == nullptr) return fail("key cannot sign");
  auto signing_key = pii_->Open(*k->key.signing_key_enc, "access-key:" + k->key.id);
  if (!signing_key.ok()) return fail("signing key does not open");
  const std::string expected =
      RequestSignature(*signing_key, StringToSign(method, a.timestamp, a.nonce, body_sha256_hex));
  if (!crypto::ConstantTimeEquals(expected, a.signature)) return fail("wrong signature");
  ASSIGN_OR_RETURN(Caller c, Admit(*k, source_ip, user_agent, why));
  // Once, on every replica: the nonce is kept as long as its timestamp
  // could still pass.
  const std::string seen =
      crypto::Hex(crypto::Sha256(absl::StrCat("signed-request:", a.key_id, ":", a.nonce)));
  absl::Status s = db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return store::clients::RememberProof(tx, seen,
                                         (a.timestamp + 2 * kMaxRequestSkewSeconds) * 1000);
  });
  if (absl::IsAlreadyExists(s)) {
    if (why) *why = "replayed request";
    return absl::UnauthenticatedError("signed request: this nonce was used before");
  }
  RETURN_IF_ERROR(s);
  return c;
}

}  // namespace iam::account
