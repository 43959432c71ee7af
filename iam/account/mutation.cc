#include "iam/account/mutation.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/store/authz_version_store.h"

namespace iam::account {
namespace {

std::string ArnIn(const std::string& account, const std::string& resource) {
  if (resource.empty() || absl::StartsWith(resource, "arn:")) return resource;
  return IamArn(account, resource);
}

}  // namespace

absl::StatusOr<std::string> Mutations::Admit(const Caller& caller, const Operation& op) const {
  if (op.registry) {
    RETURN_IF_ERROR(op.input);
    RETURN_IF_ERROR(Authorize(caller, op.action, ""));
    return std::string();
  }
  ASSIGN_OR_RETURN(std::string account, ResolveAccountId(caller, op.account_id));
  RETURN_IF_ERROR(op.input);
  const bool admin_of_account =
      op.owner_admin && caller.is_admin && !account.empty() && caller.account_id == account;
  if (!op.self && !admin_of_account) {
    RETURN_IF_ERROR(Authorize(caller, op.action, account, ArnIn(account, op.resource)));
  }
  return account;
}

absl::StatusOr<Admission> Mutations::AdmitChange(const Caller& caller, const Operation& op) const {
  ASSIGN_OR_RETURN(std::string account, Admit(caller, op));
  return Admission(caller, op, std::move(account));
}

Admission AdmitForIamd(const Caller& as, const Operation& op, std::string account) {
  return Admission(as, op, std::move(account));
}

absl::Status Mutations::Commit(const Admission& admission, const MutationBody& body) const {
  const Operation& op = admission.op_;
  const std::string& account = admission.account_;
  const std::string scope = op.touches == Touches::kResources
                                ? std::string(store::authz_versions::kResourcesScope)
                                : account;
  auto change = [&](store::Tx& tx) -> absl::Status {
    audit::Event record = AuditEvent(admission.caller_, account, op.action, "", "");
    RETURN_IF_ERROR(body(tx, account, record));
    if (record.object_type.empty() || record.account_id.empty()) {
      return absl::InternalError(
          absl::StrCat(op.action, ": the change did not say what it changed"));
    }
    RETURN_IF_ERROR(audit_.Append(tx, record));
    const Caller& caller = admission.caller_;
    if (op.copy_to_callers_account && !caller.account_id.empty() &&
        caller.account_id != record.account_id) {
      record.account_id = caller.account_id;
      RETURN_IF_ERROR(audit_.Append(tx, record));
    }
    return absl::OkStatus();
  };
  if (op.touches == Touches::kAccountData || op.registry) {
    return db_.Transact(store::TxMode::kWrite, change);
  }
  return TransactAuthz(scope, change);
}

absl::Status Mutations::Run(const Caller& caller, const Operation& op,
                            const MutationBody& body) const {
  ASSIGN_OR_RETURN(Admission admission, AdmitChange(caller, op));
  return Commit(admission, body);
}

absl::Status Mutations::Authorize(const Caller& caller, absl::string_view action,
                                  const std::string& target_account_id,
                                  const std::string& resource) const {
  // Accounts as a whole are records of the system account's registry.
  const bool lifecycle = IsAccountLifecycleAction(action, target_account_id == caller.account_id);
  const std::string arn =
      lifecycle           ? IamArn(caller.account_id,
                                   "account/" + (target_account_id.empty() ? "*" : target_account_id))
      : !resource.empty() ? resource
                          : IamArn(target_account_id, "account");
  absl::Status decision = authorizer_.Authorize(caller, action, target_account_id, arn);
  if (decision.ok() || caller.account_id.empty()) return decision;
  audit::Event e = AuditEvent(caller, caller.account_id, action, "account", target_account_id);
  e.result = "denied";
  e.detail["status"] = absl::StatusCodeToString(decision.code());
  e.detail["resource"] = arn;
  absl::Status recorded =
      db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) { return audit_.Append(tx, e); });
  // The refusal stands either way; a store that cannot record it is reported.
  return recorded.ok() ? decision : recorded;
}

absl::Status Mutations::TransactAuthz(const std::string& scope,
                                      const std::function<absl::Status(store::Tx&)>& fn) const {
  int64_t version = 0;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    // Bumping first takes the scope's row lock for the whole transaction:
    // changes to one account's authorization data are serialized, so a
    // check made inside fn (separation of duties) sees every earlier one.
    ASSIGN_OR_RETURN(version, store::authz_versions::Bump(tx, scope));
    return fn(tx);
  }));
  // Who a credential belongs to may have changed too (a disabled user, a
  // suspended account, a revoked key). Inside a joined transaction (an
  // account converged to a file) only once it all committed.
  db_.AfterCommit([this, scope, version] {
    if (credentials_ != nullptr) credentials_->Clear();
    if (listener_ != nullptr) listener_->Changed(scope, version);
  });
  return absl::OkStatus();
}

}  // namespace iam::account
