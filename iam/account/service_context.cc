#include "iam/account/service_context.h"

#include "absl/strings/ascii.h"
#include "iam/common/status_macros.h"
#include "iam/store/authz_version_store.h"

namespace iam::account {

absl::StatusOr<std::string> ResolveAccountId(const Caller& caller, const std::string& requested) {
  if (requested.empty()) return caller.account_id;
  if (requested.size() != 12 ||
      !std::all_of(requested.begin(), requested.end(),
                   [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); })) {
    return absl::InvalidArgumentError("account_id: must be 12 digits");
  }
  return requested;
}

absl::Status Authorize(const ServiceContext& ctx, const Caller& caller, absl::string_view action,
                       const std::string& target_account_id, const std::string& resource) {
  // Accounts as a whole are records of the system account's registry.
  const bool lifecycle = IsAccountLifecycleAction(action, target_account_id == caller.account_id);
  const std::string arn =
      lifecycle ? IamArn(caller.account_id,
                         "account/" + (target_account_id.empty() ? "*" : target_account_id))
      : !resource.empty() ? resource
                          : IamArn(target_account_id, "account");
  absl::Status decision = ctx.authorizer->Authorize(caller, action, target_account_id, arn);
  if (decision.ok() || caller.account_id.empty()) return decision;
  audit::Event e = AuditEvent(caller, caller.account_id, action, "account", target_account_id);
  e.result = "denied";
  e.detail["status"] = absl::StatusCodeToString(decision.code());
  e.detail["resource"] = arn;
  absl::Status recorded = ctx.db->Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return ctx.audit->Append(tx, e);
  });
  // The refusal stands either way; a store that cannot record it is reported.
  return recorded.ok() ? decision : recorded;
}

absl::Status TransactAuthz(const ServiceContext& ctx, const std::string& scope,
                           const std::function<absl::Status(store::Tx&)>& fn) {
  int64_t version = 0;
  RETURN_IF_ERROR(ctx.db->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    // Bumping first takes the scope's row lock for the whole transaction:
    // changes to one account's authorization data are serialized, so a
    // check made inside fn (separation of duties) sees every earlier one.
    ASSIGN_OR_RETURN(version, store::authz_versions::Bump(tx, scope));
    return fn(tx);
  }));
  // Who a credential belongs to may have changed too (a disabled user, a
  // suspended account, a revoked key).
  if (ctx.credentials != nullptr) ctx.credentials->Clear();
  if (ctx.authz_listener != nullptr) ctx.authz_listener->Changed(scope, version);
  return absl::OkStatus();
}

audit::Event AuditEvent(const Caller& caller, const std::string& account_id,
                        absl::string_view action, absl::string_view object_type,
                        absl::string_view object_id) {
  audit::Event e;
  e.account_id = account_id;
  e.actor = caller.user_id.empty() ? "iamd" : caller.Arn();
  e.action = std::string(action);
  e.object_type = std::string(object_type);
  e.object_id = std::string(object_id);
  e.source_ip = caller.source_ip;
  e.user_agent = caller.user_agent;
  if (!caller.access_key_id.empty()) e.detail["credential"] = caller.access_key_id;
  return e;
}

}  // namespace iam::account
