#include "iam/account/account_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/account/ids.h"
#include "iam/account/paging.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/credential_store.h"
#include "iam/store/device_store.h"
#include "iam/store/login_store.h"
#include "iam/store/mfa_store.h"
#include "iam/store/policy_store.h"
#include "iam/store/session_store.h"
#include "iam/store/access_key_store.h"
#include "iam/store/account_store.h"
#include "iam/store/group_store.h"
#include "iam/store/user_store.h"
#include "iam/store/authz_version_store.h"
#include "iam/store/iam_policy_store.h"
#include "iam/store/resource_store.h"
#include "iam/store/role_store.h"

namespace iam::account {
namespace {

constexpr size_t kMaxDisplayName = 256;
constexpr size_t kMaxReason = 1024;
constexpr int kIdAttempts = 5;

// Records the event in the account's chain and, when the caller acted from
// another account (the operators'), in the caller's chain as well.
absl::Status AuditBoth(const ServiceContext& ctx, store::Tx& tx, const Caller& caller,
                       audit::Event e) {
  RETURN_IF_ERROR(ctx.audit->Append(tx, e));
  if (!caller.account_id.empty() && caller.account_id != e.account_id) {
    e.account_id = caller.account_id;
    RETURN_IF_ERROR(ctx.audit->Append(tx, e));
  }
  return absl::OkStatus();
}

}  // namespace

int64_t AccountService::PurgeTime(const store::AccountRow& row) const {
  return row.closed_at.value_or(0) + absl::ToInt64Milliseconds(ctx_.settings.close_grace);
}

absl::StatusOr<CreatedAccount> AccountService::Create(const Caller& caller,
                                                      const NewAccount& in) {
  RETURN_IF_ERROR(Authorize(ctx_, caller, "iam:CreateAccount", ""));
  RETURN_IF_ERROR(text::CheckAccountName("name", in.name));
  RETURN_IF_ERROR(text::CheckFreeText("display_name", in.display_name, kMaxDisplayName));
  NewUser admin{in.admin_username.empty() ? "admin" : in.admin_username, "", in.admin_email, "",
                true};
  if (absl::Status s = ValidateNewUser(admin); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("admin_", s.message()));
  }
  CreatedAccount out;
  absl::Status s;
  for (int attempt = 0; attempt < kIdAttempts; ++attempt) {
    s = ctx_.db->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
      // Names first: a taken name must not read as an id collision.
      if (store::accounts::GetByName(tx, in.name).ok()) {
        return absl::AlreadyExistsError("name: an account of that name exists");
      }
      const int64_t now = ctx_.NowMs();
      out.account = store::AccountRow{NewAccountId(*ctx_.random),
                                      in.name,
                                      in.display_name.empty() ? in.name : in.display_name,
                                      "active",
                                      false,
                                      now,
                                      now,
                                      std::nullopt,
                                      std::nullopt};
      RETURN_IF_ERROR(store::accounts::Insert(tx, out.account));
      ASSIGN_OR_RETURN(store::UserRow admin_row, InsertUser(ctx_, tx, out.account.id, admin));
      NewAccessKey key;
      key.username = admin_row.username;
      key.description = "first admin";
      ASSIGN_OR_RETURN(out.admin_key, InsertAccessKey(ctx_, tx, admin_row, key));
      ASSIGN_OR_RETURN(out.admin, users_.View(admin_row, false));
      audit::Event e =
          AuditEvent(caller, out.account.id, "iam:CreateAccount", "account", out.account.id);
      e.detail["name"] = out.account.name;
      e.detail["admin_user_id"] = admin_row.id;
      e.detail["admin_access_key_id"] = out.admin_key.key.row.id;
      return AuditBoth(ctx_, tx, caller, e);
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
  RETURN_IF_ERROR(Authorize(ctx_, caller, "iam:GetAccount", id));
  store::AccountRow row;
  RETURN_IF_ERROR(ctx_.db->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(row, store::accounts::Get(tx, id));
    return absl::OkStatus();
  }));
  return row;
}

absl::StatusOr<Listing<store::AccountRow>> AccountService::List(const Caller& caller,
                                                                int page_size,
                                                                const std::string& page_token) {
  RETURN_IF_ERROR(Authorize(ctx_, caller, "iam:ListAccounts", ""));
  ASSIGN_OR_RETURN(Page page, ParsePage(page_size, page_token, "accounts"));
  Listing<store::AccountRow> out;
  RETURN_IF_ERROR(ctx_.db->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
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
  ASSIGN_OR_RETURN(std::string id, ResolveAccountId(caller, account_id));
  RETURN_IF_ERROR(Authorize(ctx_, caller, action, id));
  RETURN_IF_ERROR(text::CheckFreeText("reason", reason, kMaxReason));
  store::AccountRow row;
  RETURN_IF_ERROR(TransactAuthz(ctx_, id, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(row, store::accounts::Get(tx, id));
    if (row.is_system) {
      return absl::FailedPreconditionError("the system account's state cannot be changed");
    }
    const int64_t now = ctx_.NowMs();
    const std::string before = row.state;
    if (action == "iam:SuspendAccount") {
      if (row.state == "suspended") return absl::OkStatus();
      if (row.state != "active") {
        return absl::FailedPreconditionError(absl::StrCat("the account is ", row.state));
      }
      row.state = "suspended";
    } else if (action == "iam:CloseAccount") {
      if (row.state == "closed") return absl::OkStatus();
      if (row.state == "purged") return absl::FailedPreconditionError("the account is purged");
      row.state = "closed";
      row.closed_at = now;
    } else {  // reactivate
      if (row.state == "active") return absl::OkStatus();
      if (row.state == "purged") {
        return absl::FailedPreconditionError("the account is purged; its data is gone");
      }
      if (row.state == "closed" && now >= PurgeTime(row)) {
        return absl::FailedPreconditionError("the account's grace period is over");
      }
      row.state = "active";
      row.closed_at.reset();
    }
    row.updated_at = now;
    RETURN_IF_ERROR(store::accounts::Update(tx, row));
    audit::Event e = AuditEvent(caller, id, action, "account", id);
    e.detail["state"] = {{"before", before}, {"after", row.state}};
    if (!reason.empty()) e.detail["reason"] = reason;
    return AuditBoth(ctx_, tx, caller, e);
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
  const int64_t cutoff =
      ctx_.NowMs() - absl::ToInt64Milliseconds(ctx_.settings.close_grace);
  std::vector<store::AccountRow> due;
  RETURN_IF_ERROR(ctx_.db->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(due, store::accounts::ListClosedBefore(tx, cutoff, 1000));
    return absl::OkStatus();
  }));
  int purged = 0;
  for (const store::AccountRow& candidate : due) {
    // One transaction per account: a failure leaves the others purged and
    // this one whole, to be tried again on the next run.
    absl::Status s = ctx_.db->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(store::AccountRow row, store::accounts::Get(tx, candidate.id));
      // Reactivated since it was listed, or already purged by another replica.
      if (row.state != "closed" || !row.closed_at || *row.closed_at > cutoff) {
        return absl::OkStatus();
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
      RETURN_IF_ERROR(store::authz_versions::Bump(tx, store::authz_versions::kResourcesScope).status());
      ASSIGN_OR_RETURN(int64_t users, store::users::DeleteAllOfAccount(tx, row.id));
      row.state = "purged";
      row.purged_at = row.updated_at = ctx_.NowMs();
      RETURN_IF_ERROR(store::accounts::Update(tx, row));
      audit::Event e = AuditEvent(Caller{}, row.id, "iam:PurgeAccount", "account", row.id);
      e.detail["users_deleted"] = users;
      RETURN_IF_ERROR(ctx_.audit->Append(tx, e));
      ASSIGN_OR_RETURN(auto system, store::accounts::GetSystem(tx));
      if (system) {
        e.account_id = system->id;
        RETURN_IF_ERROR(ctx_.audit->Append(tx, e));
      }
      ++purged;
      return absl::OkStatus();
    });
    if (!s.ok()) {
      log::Error("purge of a closed account failed",
                 {{"account_id", candidate.id}, {"status", s.ToString()}});
    }
  }
  return purged;
}

}  // namespace iam::account
