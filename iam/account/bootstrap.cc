// AccountService::Bootstrap: the system account on a store that has none.
#include "iam/account/account_service.h"
#include "iam/account/ids.h"
#include "iam/common/status_macros.h"
#include "iam/store/account_store.h"
#include "iam/store/user_store.h"

namespace iam::account {

absl::StatusOr<BootstrapResult> AccountService::BootstrapOnce(
    const BootstrapOptions& options) const {
  BootstrapResult result;
  // Most starts find the system account there: nothing to write or record.
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto system, store::accounts::GetSystem(tx));
    if (system) result.account_id = system->id;
    return absl::OkStatus();
  }));
  if (!result.account_id.empty()) return result;
  NewUser admin{options.admin_username, "Administrator", "", "", true};
  RETURN_IF_ERROR(ValidateNewUser(admin));
  Operation op("iam:Bootstrap", "");
  op.registry = true;
  RETURN_IF_ERROR(mutations_.Commit(
      AdmitForIamd(Caller{}, op, ""),
      [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
        result = BootstrapResult{};
        // Another replica may have made it since the look above.
        ASSIGN_OR_RETURN(auto system, store::accounts::GetSystem(tx));
        if (system) return absl::AlreadyExistsError("the system account exists");
        const int64_t now = clock_.NowMs();
        store::AccountRow row{NewAccountId(random_),
                              "system",
                              "System",
                              store::AccountState::kActive,
                              true,
                              now,
                              now,
                              std::nullopt,
                              std::nullopt};
        RETURN_IF_ERROR(store::accounts::Insert(tx, row));
        ASSIGN_OR_RETURN(store::UserRow user, users_.InsertInTx(tx, row.id, admin));
        NewAccessKey key{user.username, "bootstrap", std::nullopt, {}, options.preset_access_key};
        ASSIGN_OR_RETURN(CreatedAccessKey created, keys_.InsertInTx(tx, user, key));
        record.account_id = row.id;
        record.Object("account", row.id);
        record.detail = {{"admin_user_id", user.id}, {"access_key_id", created.key.row.id}};
        result.account_id = row.id;
        result.admin_username = user.username;
        result.access_key_token = created.token;
        return absl::OkStatus();
      }));
  return result;
}

absl::StatusOr<BootstrapResult> AccountService::Bootstrap(const BootstrapOptions& options) const {
  auto result = BootstrapOnce(options);
  // Two replicas starting on an empty store: the loser's insert of the
  // "system" name fails, and the winner's account is there now.
  if (absl::IsAlreadyExists(result.status())) return BootstrapOnce(options);
  return result;
}

}  // namespace iam::account
