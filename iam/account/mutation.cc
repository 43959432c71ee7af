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

absl::StatusOr<std::string> Admit(const ServiceContext& ctx, const Caller& caller,
                                  const Operation& op) {
  if (op.registry) {
    RETURN_IF_ERROR(op.input);
    RETURN_IF_ERROR(Authorize(ctx, caller, op.action, ""));
    return std::string();
  }
  ASSIGN_OR_RETURN(std::string account, ResolveAccountId(caller, op.account_id));
  RETURN_IF_ERROR(op.input);
  if (!op.self) {
    RETURN_IF_ERROR(Authorize(ctx, caller, op.action, account, ArnIn(account, op.resource)));
  }
  return account;
}

absl::StatusOr<Admission> AdmitChange(const ServiceContext& ctx, const Caller& caller,
                                      const Operation& op) {
  ASSIGN_OR_RETURN(std::string account, Admit(ctx, caller, op));
  return Admission(caller, op, std::move(account));
}

Admission AdmitForIamd(const Caller& as, const Operation& op, std::string account) {
  return Admission(as, op, std::move(account));
}

absl::Status Commit(const ServiceContext& ctx, const Admission& admission,
                    const MutationBody& body) {
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
    RETURN_IF_ERROR(ctx.audit->Append(tx, record));
    const Caller& caller = admission.caller_;
    if (op.copy_to_callers_account && !caller.account_id.empty() &&
        caller.account_id != record.account_id) {
      record.account_id = caller.account_id;
      RETURN_IF_ERROR(ctx.audit->Append(tx, record));
    }
    return absl::OkStatus();
  };
  if (op.touches == Touches::kAccountData || op.registry) {
    return ctx.db->Transact(store::TxMode::kWrite, change);
  }
  return TransactAuthz(ctx, scope, change);
}

absl::Status RunMutation(const ServiceContext& ctx, const Caller& caller, const Operation& op,
                         const MutationBody& body) {
  ASSIGN_OR_RETURN(Admission admission, AdmitChange(ctx, caller, op));
  return Commit(ctx, admission, body);
}

}  // namespace iam::account
