#include "iam/account/bootstrap.h"

#include "iam/account/access_key_service.h"
#include "iam/account/ids.h"
#include "iam/account/user_service.h"
#include "iam/common/status_macros.h"
#include "iam/store/account_store.h"
#include "iam/store/user_store.h"

namespace iam::account {

namespace {

absl::StatusOr<BootstrapResult> BootstrapOnce(const ServiceContext& ctx,
                                              const BootstrapOptions& options) {
  BootstrapResult result;
  absl::Status s = ctx.db->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    result = BootstrapResult{};
    ASSIGN_OR_RETURN(auto system, store::accounts::GetSystem(tx));
    if (system) {
      result.account_id = system->id;
      return absl::OkStatus();
    }
    const int64_t now = ctx.NowMs();
    store::AccountRow row{NewAccountId(*ctx.random), "system", "System", "active", true, now,
                          now, std::nullopt, std::nullopt};
    RETURN_IF_ERROR(store::accounts::Insert(tx, row));
    NewUser admin{options.admin_username, "Administrator", "", "", true};
    RETURN_IF_ERROR(ValidateNewUser(admin));
    ASSIGN_OR_RETURN(store::UserRow user, InsertUser(ctx, tx, row.id, admin));
    NewAccessKey key{user.username, "bootstrap", std::nullopt, {}, options.preset_access_key};
    ASSIGN_OR_RETURN(CreatedAccessKey created, InsertAccessKey(ctx, tx, user, key));
    audit::Event e;
    e.account_id = row.id;
    e.actor = "iamd";
    e.action = "iam:Bootstrap";
    e.object_type = "account";
    e.object_id = row.id;
    e.detail = {{"admin_user_id", user.id}, {"access_key_id", created.key.row.id}};
    RETURN_IF_ERROR(ctx.audit->Append(tx, e));
    result.account_id = row.id;
    result.admin_username = user.username;
    result.access_key_token = created.token;
    return absl::OkStatus();
  });
  RETURN_IF_ERROR(s);
  return result;
}

}  // namespace

absl::StatusOr<BootstrapResult> Bootstrap(const ServiceContext& ctx,
                                          const BootstrapOptions& options) {
  auto result = BootstrapOnce(ctx, options);
  // Two replicas starting on an empty store: the loser's insert of the
  // "system" name fails, and the winner's account is there now.
  if (absl::IsAlreadyExists(result.status())) return BootstrapOnce(ctx, options);
  return result;
}

}  // namespace iam::account
