#include "iam/account/account_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/account/ids.h"
#include "iam/account/mutation.h"
#include "iam/account/paging.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/access_activity_store.h"
#include "iam/store/access_key_store.h"
#include "iam/store/account_store.h"
#include "iam/store/authz_version_store.h"
#include "iam/store/credential_store.h"
#include "iam/store/device_store.h"
#include "iam/store/group_store.h"
#include "iam/store/idp_store.h"
#include "iam/store/iam_policy_store.h"
#include "iam/store/login_store.h"
#include "iam/store/mfa_store.h"
#include "iam/store/policy_store.h"
#include "iam/store/resource_store.h"
#include "iam/store/role_store.h"
#include "iam/store/session_store.h"
#include "iam/store/client_store.h"
#include "iam/store/logout_store.h"
#include "iam/store/sso_store.h"
#include "iam/store/user_store.h"

namespace iam::account {
namespace {

constexpr size_t kMaxDisplayName = 256;
constexpr size_t kMaxReason = 1024;
constexpr int kIdAttempts = 5;

}  // namespace

int64_t AccountService::PurgeTime(const store::AccountRow& row) const {
  return row.closed_at.value_or(0) + absl::ToInt64Milliseconds(settings_.close_grace);
}

absl::StatusOr<CreatedAccount> AccountService::Create(const Caller& caller, const NewAccount& in) {
  NewUser admin{in.admin_username.empty() ? "admin" : in.admin_username, "", in.admin_email, "",
                true};
  Operation op("iam:CreateAccount", "");
  op.registry = true;
  op.copy_to_callers_account = true;
  op.Check(text::CheckAccountName("name", in.name))
      .Check(text::CheckFreeText("display_name", in.display_name, kMaxDisplayName));
  if (absl::Status s = ValidateNewUser(admin); !s.ok()) {
    op.Check(absl::InvalidArgumentError(absl::StrCat("admin_", s.message())));
  }
  ASSIGN_OR_RETURN(Admission admission, mutations_.AdmitChange(caller, op));
  CreatedAccount out;
  absl::Status s;
  for (int attempt = 0; attempt < kIdAttempts; ++attempt) {
    s = mutations_.Commit(admission, [&](store::Tx& tx, const std::string&, audit::Event& record) {
      // Names first: a taken name must not read as an id collision.
      if (store::accounts::GetByName(tx, in.name).ok()) {
        return absl::AlreadyExistsError("name: an account of that name exists");
      }
      const int64_t now = clock_.NowMs();
      out.account = store::AccountRow{NewAccountId(random_),
                                      in.name,
                                      in.display_name.empty() ? in.name : in.display_name,
                                      store::AccountState::kActive,
                                      false,
                                      now,
                                      now,
                                      std::nullopt,
                                      std::nullopt};
      RETURN_IF_ERROR(store::accounts::Insert(tx, out.account));
      ASSIGN_OR_RETURN(store::UserRow admin_row, users_.InsertInTx(tx, out.account.id, admin));
      NewAccessKey key;
      key.username = admin_row.username;
      key.description = "first admin";
      ASSIGN_OR_RETURN(out.admin_key, keys_.InsertInTx(tx, admin_row, key));
      ASSIGN_OR_RETURN(out.admin, users_.View(admin_row, false));
      record.account_id = out.account.id;
      record.Object("account", out.account.id);
      record.detail["name"] = out.account.name;
      record.detail["admin_user_id"] = admin_row.id;
      record.detail["admin_access_key_id"] = out.admin_key.key.row.id;
      return absl::OkStatus();
    });
    // An id collision with an existing account: draw again.
    if (!absl::IsAlreadyExists(s) || absl::StrContains(s.message(), "name:")) break;
  }
  RETURN_IF_ERROR(s);
  return out;
}

absl::StatusOr<store::AccountRow> AccountService::Get(const Caller& caller,
                                                      const std::string& account_id) {
  ASSIGN_OR_RETURN(std::string id, ResolveAccountId(caller, account_id));
  RETURN_IF_ERROR(mutations_.Authorize(caller, "iam:GetAccount", id));
  store::AccountRow row;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(row, store::accounts::Get(tx, id));
    return absl::OkStatus();
  }));
  return row;
}

absl::StatusOr<Listing<store::AccountRow>> AccountService::List(const Caller& caller, int page_size,
                                                                const std::string& page_token) {
  RETURN_IF_ERROR(mutations_.Authorize(caller, "iam:ListAccounts", ""));
  ASSIGN_OR_RETURN(Page page, ParsePage(page_size, page_token, "accounts"));
  Listing<store::AccountRow> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out.items, store::accounts::List(tx, page.after, page.size + 1));
    return absl::OkStatus();
  }));
  if (static_cast<int>(out.items.size()) > page.size) {
    out.items.resize(page.size);
    out.next_page_token = PageToken("accounts", out.items.back().id);
  }
  return out;
}

absl::StatusOr<store::AccountRow> AccountService::Transition(const Caller& caller,
                                                             const std::string& account_id,
                                                             absl::string_view action,
                                                             const std::string& reason) {
  Operation op(std::string(action), account_id);
  op.copy_to_callers_account = true;
  op.Check(text::CheckFreeText("reason", reason, kMaxReason));
  store::AccountRow row;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& id, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(row, store::accounts::Get(tx, id));
        if (row.is_system) {
          return absl::FailedPreconditionError("the system account's state cannot be changed");
        }
        record.Object("account", id);
        const int64_t now = clock_.NowMs();
        const store::AccountState before = row.state;
        // A repeated change is recorded as asked for, and changes nothing.
        bool unchanged = false;
        if (action == "iam:SuspendAccount") {
          unchanged = row.state == store::AccountState::kSuspended;
          if (!unchanged && row.state != store::AccountState::kActive) {
            return absl::FailedPreconditionError(
                absl::StrCat("the account is ", store::Name(row.state)));
          }
          row.state = store::AccountState::kSuspended;
        } else if (action == "iam:CloseAccount") {
          unchanged = row.state == store::AccountState::kClosed;
          if (row.state == store::AccountState::kPurged)
            return absl::FailedPreconditionError("the account is purged");
          if (!unchanged) row.closed_at = now;
          row.state = store::AccountState::kClosed;
        } else {  // reactivate
          unchanged = row.state == store::AccountState::kActive;
          if (row.state == store::AccountState::kPurged) {
            return absl::FailedPreconditionError("the account is purged; its data is gone");
          }
          if (row.state == store::AccountState::kClosed && now >= PurgeTime(row)) {
            return absl::FailedPreconditionError("the account's grace period is over");
          }
          row.state = store::AccountState::kActive;
          row.closed_at.reset();
        }
        if (!reason.empty()) record.detail["reason"] = reason;
        if (unchanged) {
          record.detail["unchanged"] = true;
          return absl::OkStatus();
        }
        row.updated_at = now;
        RETURN_IF_ERROR(store::accounts::Update(tx, row));
        record.detail["state"] = {{"before", store::Name(before)},
                                  {"after", store::Name(row.state)}};
        return absl::OkStatus();
      }));
  return row;
}

absl::StatusOr<store::AccountRow> AccountService::Suspend(const Caller& caller,
                                                          const std::string& account_id,
                                                          const std::string& reason) {
  return Transition(caller, account_id, "iam:SuspendAccount", reason);
}

absl::StatusOr<store::AccountRow> AccountService::Reactivate(const Caller& caller,
                                                             const std::string& account_id) {
  return Transition(caller, account_id, "iam:ReactivateAccount", "");
}

absl::StatusOr<store::AccountRow> AccountService::Close(const Caller& caller,
                                                        const std::string& account_id,
                                                        const std::string& reason) {
  return Transition(caller, account_id, "iam:CloseAccount", reason);
}

absl::StatusOr<int> AccountService::PurgeClosedAccounts() {
  const int64_t cutoff = clock_.NowMs() - absl::ToInt64Milliseconds(settings_.close_grace);
  std::vector<store::AccountRow> due;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(due, store::accounts::ListClosedBefore(tx, cutoff, 1000));
    return absl::OkStatus();
  }));
  int purged = 0;
  // The records of a purge are iamd's, copied into the operators' chain.
  Caller iamd;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto system, store::accounts::GetSystem(tx));
    if (system) iamd.account_id = system->id;
    return absl::OkStatus();
  }));
  Operation op("iam:PurgeAccount", "");
  op.copy_to_callers_account = true;
  for (const store::AccountRow& candidate : due) {
    // One transaction per account: a failure leaves the others purged and
    // this one whole, to be tried again on the next run.
    absl::Status s = mutations_.Commit(AdmitForIamd(iamd, op, candidate.id),
        [&](store::Tx& tx, const std::string& id, audit::Event& record) -> absl::Status {
          ASSIGN_OR_RETURN(store::AccountRow row, store::accounts::Get(tx, id));
          // Reactivated since it was listed, or already purged by another replica.
          if (row.state != store::AccountState::kClosed || !row.closed_at ||
              *row.closed_at > cutoff) {
            return absl::FailedPreconditionError("no longer due");
          }
          RETURN_IF_ERROR(store::groups::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::access_keys::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::sessions::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::passwords::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::login::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::mfa::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::devices::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::account_policies::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::iam_policies::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::roles::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::resources::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::sso::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::logout::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::clients::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::idps::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(store::access_activity::DeleteAllOfAccount(tx, row.id));
          RETURN_IF_ERROR(
              store::authz_versions::Bump(tx, store::authz_versions::kResourcesScope).status());
          ASSIGN_OR_RETURN(int64_t users, store::users::DeleteAllOfAccount(tx, row.id));
          row.state = store::AccountState::kPurged;
          row.purged_at = row.updated_at = clock_.NowMs();
          RETURN_IF_ERROR(store::accounts::Update(tx, row));
          record.Object("account", row.id);
          record.detail["users_deleted"] = users;
          return absl::OkStatus();
        });
    if (s.ok()) {
      ++purged;
    } else if (!absl::IsFailedPrecondition(s)) {
      log::Error("purge of a closed account failed",
                 {{"account_id", candidate.id}, {"status", s.ToString()}});
    }
  }
  return purged;
}

}  // namespace iam::account
