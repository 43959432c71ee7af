#include "iam/account/user_service.h"

#include "absl/strings/match.h"

#include "absl/strings/str_cat.h"
#include "iam/account/ids.h"
#include "iam/account/mutation.h"
#include "iam/account/paging.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/access_key_store.h"
#include "iam/store/credential_store.h"
#include "iam/store/device_store.h"
#include "iam/store/group_store.h"
#include "iam/store/idp_store.h"
#include "iam/store/iam_policy_store.h"
#include "iam/store/login_store.h"
#include "iam/store/mfa_store.h"
#include "iam/store/role_store.h"
#include "iam/store/session_store.h"
#include "iam/store/sso_store.h"
#include "iam/store/user_store.h"

namespace iam::account {
namespace {

constexpr size_t kMaxUsername = 64;
constexpr size_t kMaxDisplayName = 256;
constexpr size_t kMaxReason = 1024;

std::string Binding(const store::UserRow& u, absl::string_view field) {
  return absl::StrCat(u.account_id, "/", u.id, "/", field);
}

absl::Status CheckEmailField(const std::string& email) {
  return email.empty() ? absl::OkStatus() : text::CheckEmail("email", email);
}

}  // namespace

absl::Status UserService::SealPii(store::UserRow& row, const std::optional<std::string>& email,
                                  const std::optional<std::string>& phone) const {
  if (email) {
    if (email->empty()) {
      row.email_enc.reset();
      row.email_index.reset();
    } else {
      row.email_enc = pii_.Seal(*email, Binding(row, "email"));
      row.email_index = pii_.BlindIndex(text::AsciiLower(*email));
    }
  }
  if (phone) {
    if (phone->empty()) {
      row.phone_enc.reset();
    } else {
      ASSIGN_OR_RETURN(std::string normalized, text::NormalizePhone("phone", *phone));
      row.phone_enc = pii_.Seal(normalized, Binding(row, "phone"));
    }
  }
  return absl::OkStatus();
}

absl::Status KeepsAnAdmin(store::Tx& tx, const store::UserRow& before, bool still_admin) {
  if (!(before.is_admin && before.state == store::UserState::kActive) || still_admin)
    return absl::OkStatus();
  ASSIGN_OR_RETURN(int64_t admins, store::users::CountActiveAdmins(tx, before.account_id));
  if (admins <= 1) {
    return absl::FailedPreconditionError("the account must keep at least one active admin");
  }
  return absl::OkStatus();
}

absl::Status ValidateNewUser(const NewUser& u) {
  RETURN_IF_ERROR(text::CheckName("username", u.username, kMaxUsername));
  // Service accounts are made with their OAuth client, and a person named
  // like one would be taken for it.
  if (absl::StartsWithIgnoreCase(u.username, kServiceAccountPrefix)) {
    return absl::InvalidArgumentError(
        "username: names starting with service-account- are kept for OAuth clients' service "
        "accounts");
  }
  RETURN_IF_ERROR(text::CheckFreeText("display_name", u.display_name, kMaxDisplayName));
  RETURN_IF_ERROR(CheckEmailField(u.email));
  if (!u.phone.empty()) RETURN_IF_ERROR(text::NormalizePhone("phone", u.phone).status());
  return absl::OkStatus();
}

absl::StatusOr<store::UserRow> UserService::InsertInTx(store::Tx& tx,
                                                       const std::string& account_id,
                                                       const NewUser& u) const {
  store::UserRow row;
  row.id = NewUserId(random_);
  row.account_id = account_id;
  row.username = u.username;
  row.display_name = u.display_name;
  row.is_admin = u.admin;
  row.state = store::UserState::kActive;
  row.created_at = row.updated_at = clock_.NowMs();
  RETURN_IF_ERROR(SealPii(row, u.email, u.phone));
  absl::Status s = store::users::Insert(tx, row);
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError("username: a user of that name exists in the account");
  }
  RETURN_IF_ERROR(s);
  return row;
}

absl::StatusOr<UserView> UserService::View(const store::UserRow& row, bool reveal) const {
  UserView v{row, "", "", reveal};
  if (row.email_enc) {
    ASSIGN_OR_RETURN(v.email, pii_.Open(*row.email_enc, Binding(row, "email")));
    if (!reveal) v.email = text::MaskEmail(v.email);
  }
  if (row.phone_enc) {
    ASSIGN_OR_RETURN(v.phone, pii_.Open(*row.phone_enc, Binding(row, "phone")));
    if (!reveal) v.phone = text::MaskPhone(v.phone);
  }
  return v;
}

Operation UserService::On(absl::string_view action, const std::string& account_id,
                          const std::string& username) {
  Operation op{std::string(action), account_id, "user/" + username};
  op.Check(text::CheckName("username", username, kMaxUsername));
  return op;
}

absl::StatusOr<UserView> UserService::Create(const Caller& caller, const std::string& account_id,
                                             const NewUser& user) {
  Operation op{"iam:CreateUser", account_id, "user/" + user.username,
               // Decisions load a user they have not seen from the store, so
               // a new user needs no recompilation.
               Touches::kAccountData};
  op.Check(ValidateNewUser(user));
  store::UserRow row;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(row, InsertInTx(tx, account, user));
        record.Object("user", row.id);
        record.detail["username"] = row.username;
        record.detail["admin"] = row.is_admin;
        record.detail["email_set"] = !user.email.empty();
        record.detail["phone_set"] = !user.phone.empty();
        return absl::OkStatus();
      }));
  return View(row, false);
}

absl::StatusOr<UserView> UserService::Get(const Caller& caller, const std::string& account_id,
                                          const std::string& username, bool reveal) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, On("iam:GetUser", account_id, username)));
  if (reveal) {
    RETURN_IF_ERROR(mutations_.Authorize(caller, "iam:RevealUserPersonalData", account,
                              UserArn(account, username)));
  }
  store::UserRow row;
  std::optional<store::PasswordRow> password;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(row, store::users::GetByUsername(tx, account, username));
    ASSIGN_OR_RETURN(password, store::passwords::Get(tx, row.id));
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(UserView v, View(row, reveal));
  v.password_at_risk = password && password->at_risk_since.has_value();
  return v;
}

absl::StatusOr<Listing<UserView>> UserService::List(const Caller& caller,
                                                    const std::string& account_id, int page_size,
                                                    const std::string& page_token, bool reveal) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, {"iam:ListUsers", account_id, "user/*"}));
  if (reveal) {
    RETURN_IF_ERROR(
        mutations_.Authorize(caller, "iam:RevealUserPersonalData", account, IamArn(account, "user/*")));
  }
  ASSIGN_OR_RETURN(Page page, ParsePage(page_size, page_token, "users"));
  std::vector<store::UserRow> rows;
  std::set<std::string> at_risk;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows, store::users::List(tx, account, page.after, page.size + 1));
    ASSIGN_OR_RETURN(at_risk, store::passwords::AtRiskUsers(tx, account));
    return absl::OkStatus();
  }));
  Listing<UserView> out;
  if (static_cast<int>(rows.size()) > page.size) {
    rows.resize(page.size);
    out.next_page_token = PageToken("users", store::users::UsernameKey(rows.back().username));
  }
  for (const auto& r : rows) {
    ASSIGN_OR_RETURN(UserView v, View(r, reveal));
    v.password_at_risk = at_risk.count(r.id) > 0;
    out.items.push_back(std::move(v));
  }
  return out;
}

absl::StatusOr<UserView> UserService::Update(const Caller& caller, const std::string& account_id,
                                             const std::string& username,
                                             const UserUpdate& update) {
  Operation op = On("iam:UpdateUser", account_id, username);
  if (!update.display_name && !update.email && !update.phone && !update.admin) {
    op.Check(absl::InvalidArgumentError("update_mask: names no field to update"));
  }
  if (update.display_name) {
    op.Check(text::CheckFreeText("display_name", *update.display_name, kMaxDisplayName));
  }
  if (update.email) op.Check(CheckEmailField(*update.email));
  if (update.phone && !update.phone->empty()) {
    op.Check(text::NormalizePhone("phone", *update.phone).status());
  }
  store::UserRow row;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(row, store::users::GetByUsername(tx, account, username));
        nlohmann::json changed = nlohmann::json::object();
        if (update.display_name && *update.display_name != row.display_name) {
          changed["display_name"] = {{"before", row.display_name}, {"after", *update.display_name}};
          row.display_name = *update.display_name;
        }
        if (update.admin && *update.admin != row.is_admin) {
          if (row.id == caller.user_id && !*update.admin) {
            return absl::FailedPreconditionError("admin: you cannot remove your own admin right");
          }
          RETURN_IF_ERROR(KeepsAnAdmin(tx, row, *update.admin));
          changed["admin"] = {{"before", row.is_admin}, {"after", *update.admin}};
          row.is_admin = *update.admin;
        }
        // Personal fields are recorded as changed, never with their values.
        if (update.email) changed["email"] = update.email->empty() ? "cleared" : "set";
        if (update.phone) changed["phone"] = update.phone->empty() ? "cleared" : "set";
        RETURN_IF_ERROR(SealPii(row, update.email, update.phone));
        row.updated_at = clock_.NowMs();
        RETURN_IF_ERROR(store::users::Update(tx, row));
        record.Object("user", row.id);
        record.detail["changed"] = changed;
        return absl::OkStatus();
      }));
  return View(row, false);
}

absl::StatusOr<UserView> UserService::SetState(const Caller& caller, const std::string& account_id,
                                               const std::string& username,
                                               absl::string_view action, store::UserState state,
                                               const std::string& reason) {
  Operation op = On(action, account_id, username);
  op.Check(text::CheckFreeText("reason", reason, kMaxReason));
  store::UserRow row;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(row, store::users::GetByUsername(tx, account, username));
        record.Object("user", row.id);
        record.detail["username"] = row.username;
        if (!reason.empty()) record.detail["reason"] = reason;
        if (row.state == state) {
          // Asked again: recorded as asked, nothing changes.
          record.detail["unchanged"] = true;
          return absl::OkStatus();
        }
        if (state == store::UserState::kDisabled) {
          if (row.id == caller.user_id) {
            return absl::FailedPreconditionError("you cannot disable the user you are calling as");
          }
          RETURN_IF_ERROR(KeepsAnAdmin(tx, row, false));
        }
        row.state = state;
        row.updated_at = clock_.NowMs();
        RETURN_IF_ERROR(store::users::Update(tx, row));
        if (state == store::UserState::kDisabled) {
          // A disabled user's sessions end with it, at once, on every replica.
          ASSIGN_OR_RETURN(auto ended, store::sessions::RevokeAllOfUser(tx, row.id, row.updated_at,
                                                                        "user disabled"));
          record.detail["sessions_revoked"] = ended.size();
        }
        return absl::OkStatus();
      }));
  return View(row, false);
}

absl::StatusOr<UserView> UserService::Disable(const Caller& caller, const std::string& account_id,
                                              const std::string& username,
                                              const std::string& reason) {
  return SetState(caller, account_id, username, "iam:DisableUser", store::UserState::kDisabled,
                  reason);
}

absl::StatusOr<UserView> UserService::Enable(const Caller& caller, const std::string& account_id,
                                             const std::string& username) {
  return SetState(caller, account_id, username, "iam:EnableUser", store::UserState::kActive, "");
}

absl::Status DeleteUserAndBindings(store::Tx& tx, const std::string& user_id) {
  RETURN_IF_ERROR(store::groups::DeleteMembershipsOfUser(tx, user_id));
  RETURN_IF_ERROR(store::access_keys::DeleteByUser(tx, user_id));
  RETURN_IF_ERROR(store::sso::DeleteOfUser(tx, user_id));  // before its sessions
  RETURN_IF_ERROR(store::sessions::DeleteOfUser(tx, user_id));
  RETURN_IF_ERROR(store::passwords::DeleteOfUser(tx, user_id));
  RETURN_IF_ERROR(store::login::DeleteLoginState(tx, user_id));
  RETURN_IF_ERROR(store::mfa::DeleteOfUser(tx, user_id));
  RETURN_IF_ERROR(store::devices::DeleteOfUser(tx, user_id));
  RETURN_IF_ERROR(store::idps::DeleteLinksOfUser(tx, user_id));
  RETURN_IF_ERROR(
      store::iam_policies::DeleteAllOfPrincipal(tx, {store::PrincipalType::kUser, user_id}));
  RETURN_IF_ERROR(store::roles::DeleteAssignmentsOf(tx, {store::PrincipalType::kUser, user_id}));
  return store::users::Delete(tx, user_id);
}

absl::Status UserService::Delete(const Caller& caller, const std::string& account_id,
                                 const std::string& username) {
  return mutations_.Run(caller, On("iam:DeleteUser", account_id, username),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::UserRow row, store::users::GetByUsername(tx, account, username));
        if (row.id == caller.user_id) {
          return absl::FailedPreconditionError("you cannot delete the user you are calling as");
        }
        if (row.kind == store::UserKind::kService) {
          return absl::FailedPreconditionError(
              "this user is an OAuth client's service account: delete the client instead");
        }
        RETURN_IF_ERROR(KeepsAnAdmin(tx, row, false));
        RETURN_IF_ERROR(DeleteUserAndBindings(tx, row.id));
        record.Object("user", row.id);
        record.detail["username"] = row.username;
        return absl::OkStatus();
      });
}

}  // namespace iam::account
