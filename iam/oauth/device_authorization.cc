#include "iam/oauth/device_authorization.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/client_service.h"

namespace iam::oauth {
namespace {

// No vowels (no words), no look-alikes of digits (RFC 8628 §6.1).
constexpr char kAlphabet[] = "BCDFGHJKLMNPQRSTVWXZ";
constexpr size_t kUserCodeLength = 8;
constexpr int kMaxGuesses = 10;
constexpr int64_t kGuessWindowMs = 10 * 60 * 1000;
constexpr int64_t kSlowDownStepMs = 5 * 1000;

std::string Formatted(const std::string& code) {
  return absl::StrCat(code.substr(0, 4), "-", code.substr(4));
}

}  // namespace

std::string DeviceAuthorization::NormalizeUserCode(const std::string& typed) {
  if (typed.size() > 32) return "";
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    const char u = absl::ascii_toupper(static_cast<unsigned char>(c));
    if (std::string_view(kAlphabet).find(u) == std::string_view::npos) return "";
    out.push_back(u);
  }
  return out.size() == kUserCodeLength ? out : "";
}

std::string DeviceAuthorization::NewUserCode() {
  std::string code;
  while (code.size() < kUserCodeLength) {
    for (unsigned char b : random_.Bytes(kUserCodeLength)) {
      // 256 % 20 != 0: bytes from 240 up are dropped, so that each
      // letter is as likely as the others.
      if (b < 240 && code.size() < kUserCodeLength) code.push_back(kAlphabet[b % 20]);
    }
  }
  return code;
}

DeviceStart DeviceAuthorization::Decoy() {
  DeviceStart out;
  out.device_code = crypto::Base64Url(random_.Bytes(32));
  out.user_code = Formatted(NewUserCode());
  out.expires_in = kDeviceCodeTtlMs / 1000;
  out.interval = kDevicePollIntervalMs / 1000;
  return out;
}

absl::StatusOr<DeviceStart> DeviceAuthorization::Start(
    const std::string& account_id, const std::string& client_id, const std::string& scope,
    const std::string& purpose, const std::string& source_ip, const InTx& also) {
  const int64_t now = clock_.NowMs();
  DeviceStart out;
  out.device_code = crypto::Base64Url(random_.Bytes(32));
  store::DeviceCodeRow row;
  row.device_code_hash = SecretDigest(out.device_code);
  row.account_id = account_id;
  row.client_id = client_id;
  row.scope = scope;
  row.purpose = purpose;
  row.created_at = now;
  row.expires_at = now + kDeviceCodeTtlMs;
  row.interval_ms = kDevicePollIntervalMs;
  row.last_poll_at = 0;
  row.status = "pending";
  row.source_ip = source_ip.substr(0, 64);
  // A user code already in use (1 in 2.5e10 per live code) is drawn again.
  for (int attempt = 0;; ++attempt) {
    row.user_code = NewUserCode();
    absl::Status s = db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto taken, store::device_codes::ByUserCode(tx, row.user_code));
      if (taken) return absl::AlreadyExistsError("user code taken");
      RETURN_IF_ERROR(store::device_codes::Insert(tx, row));
      return also ? also(tx, row) : absl::OkStatus();
    });
    if (s.ok()) break;
    if (!absl::IsAlreadyExists(s) || attempt == 3) return s;
  }
  out.user_code = Formatted(row.user_code);
  out.expires_in = kDeviceCodeTtlMs / 1000;
  out.interval = kDevicePollIntervalMs / 1000;
  return out;
}

bool DeviceAuthorization::TooManyGuesses(const std::string& source_ip, bool failed) {
  const int64_t now = clock_.NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  if (guesses_.size() > 100000) guesses_.clear();  // bounded, whatever the traffic
  auto& [count, since] = guesses_[source_ip];
  if (now - since > kGuessWindowMs) {
    count = 0;
    since = now;
  }
  if (failed) ++count;
  return count >= kMaxGuesses;
}

absl::StatusOr<store::DeviceCodeRow> DeviceAuthorization::Lookup(const std::string& account_id,
                                                                 const std::string& typed,
                                                                 const std::string& source_ip) {
  if (TooManyGuesses(source_ip, false)) {
    return absl::ResourceExhaustedError("too many wrong codes from this address");
  }
  const absl::Status unknown = absl::NotFoundError("no such code");
  const std::string code = NormalizeUserCode(typed);
  std::optional<store::DeviceCodeRow> row;
  if (!code.empty()) {
    RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(row, store::device_codes::ByUserCode(tx, code));
      return absl::OkStatus();
    }));
  }
  if (!row || row->account_id != account_id || row->status != "pending" ||
      row->expires_at <= clock_.NowMs()) {
    TooManyGuesses(source_ip, true);
    return unknown;
  }
  return *std::move(row);
}

absl::StatusOr<DevicePoll> DeviceAuthorization::Poll(const std::string& account_id,
                                                     const std::string& client_id,
                                                     const std::string& purpose,
                                                     const std::string& device_code) {
  DevicePoll out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out, PollInTx(tx, account_id, client_id, purpose, device_code));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<DevicePoll> DeviceAuthorization::PollInTx(store::Tx& tx,
                                                         const std::string& account_id,
                                                         const std::string& client_id,
                                                         const std::string& purpose,
                                                         const std::string& device_code) {
  const absl::Status unknown = absl::NotFoundError("the device code is not valid");
  if (device_code.empty() || device_code.size() > 128) return unknown;
  const std::string hash = SecretDigest(device_code);
  const int64_t now = clock_.NowMs();
  DevicePoll out;
  ASSIGN_OR_RETURN(auto row, store::device_codes::ByDeviceCode(tx, hash));
  if (!row || row->account_id != account_id || row->client_id != client_id ||
      row->purpose != purpose) {
    return unknown;
  }
  if (row->expires_at <= now || row->status == "used") {
    out.kind = DevicePoll::kExpired;
    return out;
  }
  if (row->status == "denied") {
    out.kind = DevicePoll::kDenied;
    return out;
  }
  if (row->status == "approved") {
    ASSIGN_OR_RETURN(int64_t used, store::device_codes::Use(tx, hash));
    out.kind = used == 1 ? DevicePoll::kApproved : DevicePoll::kExpired;
    out.row = *std::move(row);
    return out;
  }
  // Pending: too soon after the last poll slows the device down (RFC
  // 8628 §3.5), for good.
  const bool early = row->last_poll_at > 0 && now - row->last_poll_at < row->interval_ms;
  out.kind = early ? DevicePoll::kSlowDown : DevicePoll::kPending;
  RETURN_IF_ERROR(
      store::device_codes::Polled(tx, hash, now, row->interval_ms + (early ? kSlowDownStepMs : 0)));
  return out;
}

}  // namespace iam::oauth
