#include "iam/mfa/device_service.h"

#include "absl/strings/str_cat.h"
#include "iam/account/mutation.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/mfa/login_gate.h"
#include "iam/store/device_store.h"
#include "iam/store/user_store.h"

namespace iam::mfa {
namespace {

// A device the user has not been seen with before.
store::DeviceRow FirstSeen(const store::UserRow& user, const std::string& device_id,
                           store::DeviceState state, int64_t now) {
  store::DeviceRow d;
  d.user_id = user.id;
  d.device_id = device_id;
  d.account_id = user.account_id;
  d.state = state;
  d.first_seen_at = d.last_seen_at = now;
  return d;
}

constexpr int kMaxListed = 200;
constexpr int kKnownDevicesKept = 50;
constexpr int kPrefixesKept = 50;
constexpr int64_t kDayMs = 86400 * 1000LL;

std::string DeviceTokenHash(absl::string_view token) {
  return crypto::Hex(crypto::Sha256(absl::StrCat("device-token:", token)));
}

}  // namespace

bool OwnUser(const account::Caller& caller, const std::string& account,
             const std::string& username) {
  return account == caller.account_id && !caller.user_id.empty() &&
         (username.empty() ||
          store::users::UsernameKey(username) == store::users::UsernameKey(caller.username));
}

absl::StatusOr<store::UserRow> DeviceService::Target(store::Tx& tx, const account::Caller& caller,
                                                     const std::string& account,
                                                     const std::string& username, bool own) {
  if (own) return store::users::Get(tx, caller.user_id);
  return store::users::GetByUsername(tx, account, username);
}

absl::StatusOr<std::vector<store::DeviceRow>> DeviceService::List(const account::Caller& caller,
                                                                  const std::string& account_id,
                                                                  const std::string& username) {
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  account::Operation op{"iam:ListDevices", account, "user/" + username};
  op.self = OwnUser(caller, account, username);
  if (!op.self) op.Check(text::CheckName("username", username, 64));
  RETURN_IF_ERROR(mutations_.Admit(caller, op).status());
  const bool own = op.self;
  std::vector<store::DeviceRow> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, Target(tx, caller, account, username, own));
    ASSIGN_OR_RETURN(out, store::devices::ListOfUser(tx, u.id, kMaxListed));
    return absl::OkStatus();
  }));
  return out;
}

absl::Status DeviceService::Revoke(const account::Caller& caller, const std::string& account_id,
                                   const std::string& username, const std::string& device_id) {
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  account::Operation op{"iam:RevokeDevice", account, "user/" + username,
                        account::Touches::kAccountData};
  op.self = OwnUser(caller, account, username);
  if (!op.self) op.Check(text::CheckName("username", username, 64));
  op.Check(text::CheckFreeText("device_id", device_id, 128, false));
  return mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::UserRow u, Target(tx, caller, account, username, op.self));
        ASSIGN_OR_RETURN(auto d, store::devices::Get(tx, u.id, device_id));
        if (!d) return absl::NotFoundError("device not found");
        const bool was_trusted = !d->token_hash.empty() && d->trusted_until > clock_.NowMs();
        const store::DeviceState was = d->state;
        d->state = store::DeviceState::kRevoked;
        d->token_hash.clear();
        d->trusted_until = 0;
        d->approved_by.clear();
        d->approved_at.reset();
        RETURN_IF_ERROR(store::devices::Put(tx, *d));
        record.Object("device", device_id);
        record.detail["username"] = u.username;
        record.detail["was"] = store::Name(was);
        record.detail["was_trusted"] = was_trusted;
        return absl::OkStatus();
      });
}

absl::Status DeviceService::Approve(const account::Caller& caller, const std::string& account_id,
                                    const std::string& username, const std::string& device_id) {
  account::Operation op{"iam:ApproveDevice", account_id, "user/" + username,
                        account::Touches::kAccountData};
  op.Check(text::CheckName("username", username, 64));
  op.Check(text::CheckFreeText("device_id", device_id, 128, false));
  return mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
        const int64_t now = clock_.NowMs();
        ASSIGN_OR_RETURN(auto d, store::devices::Get(tx, u.id, device_id));
        // Only a device the user has logged in from (and that waits, or was
        // revoked) can be approved: approving a made-up id would leave an
        // approved record for whoever later claims that id.
        if (!d) return absl::NotFoundError("device not found for this user");
        const store::DeviceState was = d->state;
        d->state = store::DeviceState::kApproved;
        d->approved_by = caller.Arn();
        d->approved_at = now;
        RETURN_IF_ERROR(store::devices::Put(tx, *d));
        record.Object("device", device_id);
        record.detail["username"] = u.username;
        record.detail["was"] = store::Name(was);
        return absl::OkStatus();
      });
}

absl::StatusOr<DeviceFacts> DeviceService::FactsInTx(store::Tx& tx, const store::UserRow& user,
                                                     const LoginOrigin& origin,
                                                     const std::string& device_token,
                                                     const MfaPolicy& policy) {
  DeviceFacts f;
  const int64_t now = clock_.NowMs();
  const int64_t since = now - policy.risk_memory_days * kDayMs;
  if (!origin.device_id.empty()) {
    ASSIGN_OR_RETURN(auto d, store::devices::Get(tx, user.id, origin.device_id));
    if (d && d->state != store::DeviceState::kRevoked) {
      f.approved = d->state == store::DeviceState::kApproved;
      f.known = d->state != store::DeviceState::kPending && d->last_seen_at >= since;
      f.trusted = !device_token.empty() && !d->token_hash.empty() && d->trusted_until > now &&
                  crypto::ConstantTimeEquals(DeviceTokenHash(device_token), d->token_hash);
      // A remembered device is known for as long as it is remembered.
      f.known = f.known || f.trusted;
    }
  }
  const std::string prefix = NetworkPrefix(origin.source_ip);
  if (!prefix.empty()) {
    ASSIGN_OR_RETURN(f.prefix_known, store::devices::KnownPrefix(tx, user.id, prefix, since));
  }
  return f;
}

absl::Status DeviceService::MarkPendingInTx(store::Tx& tx, const store::UserRow& user,
                                            const LoginOrigin& origin) {
  const int64_t now = clock_.NowMs();
  ASSIGN_OR_RETURN(auto d, store::devices::Get(tx, user.id, origin.device_id));
  if (d && d->state == store::DeviceState::kPending) {
    d->last_seen_at = now;
    d->last_ip = origin.source_ip;
    return store::devices::Put(tx, *d);
  }
  if (!d) {
    ASSIGN_OR_RETURN(int n, store::devices::CountOfUser(tx, user.id));
    if (n >= kMaxListed) return absl::OkStatus();  // no more rows for an unapproved flood
    d = FirstSeen(user, origin.device_id, store::DeviceState::kPending, now);
  }
  d->state = store::DeviceState::kPending;
  d->last_seen_at = now;
  d->last_ip = origin.source_ip;
  d->user_agent = origin.user_agent;
  RETURN_IF_ERROR(store::devices::Put(tx, *d));
  audit::Event e = account::UserEvent(account::UserArn(user.account_id, user.username), user,
                                      "iam:RequestDeviceApproval", origin.source_ip,
                                      origin.user_agent);
  e.Object("device", origin.device_id);
  return audit_.Append(tx, e);
}

absl::StatusOr<std::string> DeviceService::LearnInTx(store::Tx& tx, const store::UserRow& user,
                                                     const LoginOrigin& origin,
                                                     const MfaPolicy& policy, bool remember) {
  const int64_t now = clock_.NowMs();
  const std::string prefix = NetworkPrefix(origin.source_ip);
  if (!prefix.empty()) {
    RETURN_IF_ERROR(store::devices::TouchPrefix(tx, user.account_id, user.id, prefix, now));
    RETURN_IF_ERROR(store::devices::TrimPrefixes(tx, user.id, kPrefixesKept));
  }
  if (origin.device_id.empty()) return std::string();
  ASSIGN_OR_RETURN(auto d, store::devices::Get(tx, user.id, origin.device_id));
  if (!d) {
    d = FirstSeen(user, origin.device_id, store::DeviceState::kKnown, now);
  }
  if (d->state == store::DeviceState::kRevoked) d->state = store::DeviceState::kKnown;
  d->last_seen_at = now;
  d->last_ip = origin.source_ip;
  d->user_agent = origin.user_agent;
  std::string token;
  if (remember && policy.remember_device_days > 0) {
    token = absl::StrCat("dt1.", crypto::Base64Url(random_.Bytes(32)));
    d->token_hash = DeviceTokenHash(token);
    d->trusted_until = now + policy.remember_device_days * kDayMs;
    audit::Event e = account::UserEvent(account::UserArn(user.account_id, user.username), user,
                                        "iam:TrustDevice", origin.source_ip, origin.user_agent);
    e.Object("device", origin.device_id);
    e.detail["trusted_until"] = d->trusted_until;
    RETURN_IF_ERROR(audit_.Append(tx, e));
  }
  RETURN_IF_ERROR(store::devices::Put(tx, *d));
  RETURN_IF_ERROR(store::devices::Prune(tx, user.id, now - policy.risk_memory_days * kDayMs,
                                        kKnownDevicesKept));
  return token;
}

}  // namespace iam::mfa
