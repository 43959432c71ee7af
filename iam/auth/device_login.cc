#include "iam/auth/device_login.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iam/account/arn.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/account_store.h"
#include "iam/store/session_store.h"
#include "iam/store/user_store.h"

namespace iam::auth {
absl::StatusOr<DeviceLogin::Started> DeviceLogin::Start(const std::string& account,
                                                        const std::string& source_ip) {
  RETURN_IF_ERROR(text::CheckFreeText("account", account, 128, false));
  Started out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.account_id.clear();
    auto row = account::IsAccountId(account)
                   ? store::accounts::Get(tx, account)
                   : store::accounts::GetByName(tx, text::AsciiLower(account));
    if (row.ok() && row->state == store::AccountState::kActive) out.account_id = row->id;
    return row.ok() || absl::IsNotFound(row.status()) ? absl::OkStatus() : row.status();
  }));
  if (out.account_id.empty()) {
    // No such (active) account: codes of the same shape, stored nowhere.
    out.account_id = account;
    out.start = devices_.Decoy();
    return out;
  }
  ASSIGN_OR_RETURN(out.start,
                   devices_.Start(out.account_id, oauth::kCliClientId, "", "cli", source_ip,
                                  [&](store::Tx& tx, const store::DeviceCodeRow& row) {
                                    audit::Event e = audit::Event::By("anonymous", out.account_id,
                                                                      "sts:StartDeviceLogin",
                                                                      "device_code", row.user_code);
                                    e.source_ip = source_ip;
                                    e.result = "pending";
                                    e.detail["client"] = oauth::kCliClientId;
                                    return audit_.Append(tx, e);
                                  }));
  return out;
}

absl::StatusOr<DeviceLogin::Finished> DeviceLogin::Finish(const std::string& account_id,
                                                          const std::string& device_code,
                                                          const DeviceLoginOrigin& origin) {
  Finished out;
  std::string username;
  // The code taken and the session opened together, or neither.
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    out = Finished{};
    ASSIGN_OR_RETURN(oauth::DevicePoll poll,
                     devices_.PollInTx(tx, account_id, oauth::kCliClientId, "cli", device_code));
    out.kind = poll.kind;
    if (poll.kind != oauth::DevicePoll::kApproved) return absl::OkStatus();
    const store::DeviceCodeRow& device = poll.row;
    ASSIGN_OR_RETURN(store::UserRow user, store::users::Get(tx, device.user_id));
    ASSIGN_OR_RETURN(store::SessionRow web, store::sessions::Get(tx, device.session_id));
    username = user.username;
    LoginOrigin o{account_id,       user.username,     "api",           origin.device_id,
                  origin.source_ip, origin.user_agent, origin.audience, oauth::kCliClientId,
                  ""};
    if (!web.LiveAt(clock_.NowMs()) || user.state != store::UserState::kActive) {
      // Signed out (or disabled) between allowing the device and now.
      out.login.status = LoginStatus::kFailed;
      return absl::OkStatus();
    }
    // The browser's proof stands for this login: its methods (amr).
    OpenRequest open;
    open.amr = absl::StrSplit(web.amr, ',', absl::SkipEmpty());
    ASSIGN_OR_RETURN(out.login, opener_.OpenInTx(tx, user, o, open));
    return absl::OkStatus();
  }));
  if (out.kind != oauth::DevicePoll::kApproved || out.login.status != LoginStatus::kSuccess) {
    return out;
  }
  ASSIGN_OR_RETURN(out.login, opener_.Sign(username, origin.audience, std::move(out.login)));
  return out;
}

}  // namespace iam::auth
