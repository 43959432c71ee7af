// Every administrative change runs through Mutations::Run: the one place that
// resolves the account a request names, refuses bad input, asks the
// authorizer, opens the write transaction (bumping the authorization
// version when the change is one decisions read), runs the change, and
// appends its audit record inside that same transaction. The body of a
// change only fills the record in; it cannot leave it out (a body that does
// not say what it changed is a defect, answered INTERNAL and rolled back),
// and the record cannot land without the change, nor the change without it.
#ifndef IAM_ACCOUNT_MUTATION_H_
#define IAM_ACCOUNT_MUTATION_H_

#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "iam/account/authorizer.h"
#include "iam/account/caller.h"
#include "iam/account/common.h"
#include "iam/account/credential_cache.h"
#include "iam/audit/audit_log.h"
#include "iam/store/database.h"

namespace iam::account {

// What a change touches, and so which authorization version it bumps.
enum class Touches {
  kAccountData,    // nothing decisions read (account policies, devices, blocks)
  kAuthorization,  // the account's users, groups, roles, policies or keys
  kResources,      // resource policies and ACLs (store::authz_versions::kResourcesScope)
};

struct Operation {
  Operation(std::string action_, std::string account_id_, std::string resource_ = "",
            Touches touches_ = Touches::kAuthorization)
      : action(std::move(action_)),
        account_id(std::move(account_id_)),
        resource(std::move(resource_)),
        touches(touches_) {}

  std::string action;      // "iam:CreateGroup"
  std::string account_id;  // as the request names it; empty: the caller's own
  // What is acted on: a path in the account's IAM namespace ("group/ops"),
  // a whole ARN ("arn:..."), or empty for the account itself.
  std::string resource;
  Touches touches = Touches::kAuthorization;  // for changes only
  // The caller acts on their own user (their devices, their sessions):
  // allowed without asking the authorizer, as a user may always manage
  // their own sign-in.
  bool self = false;
  // An administrator of the account may always do this, whatever its
  // policies deny: what AWS grants the root of a bucket's account over the
  // bucket's policy, so that no policy can lock the account out of it.
  bool owner_admin = false;
  // The change acts on the registry of accounts, not inside one (creating
  // an account): it is authorized against every account, runs without an
  // account, and its body names the account its record belongs to.
  bool registry = false;
  // When the caller acted from another account (an operator suspending a
  // tenant), the record is copied into the caller's own chain as well, so
  // that both sides keep the fact.
  bool copy_to_callers_account = false;
  // The first failed check of the request's input; refused before the
  // caller is authorized. See Check().
  absl::Status input;

  // Records the first failed input check: m.Check(text::CheckName(...)).
  Operation& Check(const absl::Status& s) {
    if (input.ok()) input = s;
    return *this;
  }
};

// The body of a change: runs in the write transaction, with the resolved
// account, and fills in `record` (at least its object type and id; actor,
// action, account, source and result are set already; a registry change sets
// the account too).
using MutationBody =
    std::function<absl::Status(store::Tx& tx, const std::string& account, audit::Event& record)>;

class Mutations;

// Proof that a caller may make a change: only Mutations::AdmitChange makes
// one. A service that must do slow work between the decision and the write
// (a password hash) admits first and commits after.
class Admission {
 public:
  const std::string& account() const { return account_; }

 private:
  friend class Mutations;
  friend Admission AdmitForIamd(const Caller&, const Operation&, std::string);
  Admission(const Caller& caller, const Operation& op, std::string account)
      : caller_(caller), op_(op), account_(std::move(account)) {}

  Caller caller_;
  Operation op_;
  std::string account_;
};

// A change iamd makes of its own accord (the first start's bootstrap, the
// purge of closed accounts): no request, so nothing to resolve or authorize.
// `as` is who the record names (Caller{} is "iamd"); `account` is empty for a
// registry change.
Admission AdmitForIamd(const Caller& as, const Operation& op, std::string account);

// The runner. One per server; the services that change anything take it.
// Thread-safe; everything it is given is borrowed and outlives it.
class Mutations {
 public:
  // credentials and listener may be null (no cache to clear, nobody to
  // tell).
  Mutations(store::Database& db, const Authorizer& authorizer, const audit::AuditLog& audit,
            CredentialCache* credentials, AuthzListener* listener)
      : db_(db),
        authorizer_(authorizer),
        audit_(audit),
        credentials_(credentials),
        listener_(listener) {}

  // Runs a change as the file comment says: AdmitChange, then Commit. The
  // body may run more than once (Transact retries conflicts): it must
  // assign its outputs, not append.
  absl::Status Run(const Caller& caller, const Operation& op, const MutationBody& body) const;

  // The first half of Run, for reads too: the account the operation names
  // once its input is checked and the caller may act on it.
  absl::StatusOr<std::string> Admit(const Caller& caller, const Operation& op) const;
  // The first half of Run for a change.
  absl::StatusOr<Admission> AdmitChange(const Caller& caller, const Operation& op) const;
  // The second half: the transaction, the body and its record.
  absl::Status Commit(const Admission& admission, const MutationBody& body) const;

  // Asks the authorizer. A refusal (PERMISSION_DENIED, or NOT_FOUND for
  // another account) is also recorded, with result "denied", in the
  // caller's own account's chain: never in the target's, whose existence
  // stays hidden. `resource` is the ARN acted on; empty means the account
  // itself (arn:aws:iam::<account>:account).
  absl::Status Authorize(const Caller& caller, absl::string_view action,
                         const std::string& target_account_id,
                         const std::string& resource = "") const;

 private:
  // Runs fn in a write transaction that first bumps the authorization
  // version of `scope` (an account id, or kResourcesScope), which
  // serializes such changes per scope, then tells the listener once it
  // committed.
  absl::Status TransactAuthz(const std::string& scope,
                             const std::function<absl::Status(store::Tx&)>& fn) const;

  store::Database& db_;
  const Authorizer& authorizer_;
  const audit::AuditLog& audit_;
  CredentialCache* credentials_;
  AuthzListener* listener_;
};

}  // namespace iam::account

#endif  // IAM_ACCOUNT_MUTATION_H_
