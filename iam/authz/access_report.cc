#include "iam/authz/access_report.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iam/account/arn.h"
#include "iam/account/user_service.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/access_activity_store.h"
#include "iam/store/role_store.h"
#include "iam/store/user_store.h"
#include "policy/pattern.h"

namespace iam::authz {
namespace {

using store::access_activity::ActivityRow;
constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

std::string ServiceOf(absl::string_view action) {
  const size_t colon = action.find(':');
  return absl::AsciiStrToLower(colon == absl::string_view::npos ? action : action.substr(0, colon));
}

std::string KindOf(const store::UserRow& u) {
  return u.kind == store::UserKind::kService ? "client" : "user";
}

std::string ShownName(const store::UserRow& u) {
  if (u.kind == store::UserKind::kService &&
      absl::StartsWith(u.username, account::kServiceAccountPrefix)) {
    return u.username.substr(sizeof(account::kServiceAccountPrefix) - 1);
  }
  return u.username;
}

// A principal as the reports need it: who, since when, what it holds.
struct Subject {
  store::PrincipalRef ref;
  std::string kind;
  std::string name;
  std::string arn;
  int64_t created_at = 0;
};

absl::StatusOr<Subject> Resolve(store::Tx& tx, const std::string& account,
                                const AccessSubject& who) {
  Subject s;
  if (!who.client_id.empty() || who.principal.type == store::PrincipalType::kUser) {
    const std::string username = who.client_id.empty()
                                     ? who.principal.name
                                     : absl::StrCat(account::kServiceAccountPrefix, who.client_id);
    auto u = store::users::GetByUsername(tx, account, username);
    if (absl::IsNotFound(u.status())) {
      return absl::NotFoundError(who.client_id.empty() ? "user not found" : "client not found");
    }
    RETURN_IF_ERROR(u.status());
    if (!who.client_id.empty() && u->kind != store::UserKind::kService) {
      return absl::NotFoundError("client not found");
    }
    s.ref = {store::PrincipalType::kUser, u->id};
    s.kind = KindOf(*u);
    s.name = ShownName(*u);
    s.arn = account::UserArn(account, u->username);
    s.created_at = u->created_at;
    return s;
  }
  if (who.principal.type != store::PrincipalType::kRole) {
    return absl::InvalidArgumentError("principal: a user, a role or a client");
  }
  auto r = store::roles::GetByName(tx, account, who.principal.name);
  if (absl::IsNotFound(r.status())) return absl::NotFoundError("role not found");
  RETURN_IF_ERROR(r.status());
  s.ref = {store::PrincipalType::kRole, r->id};
  s.kind = "role";
  s.name = r->name;
  s.arn = account::RoleArn(account, r->name);
  s.created_at = r->created_at;
  return s;
}

std::string OperationPath(const AccessSubject& who) {
  if (!who.client_id.empty()) {
    return absl::StrCat("user/", account::kServiceAccountPrefix, who.client_id);
  }
  return absl::StrCat(who.principal.type == store::PrincipalType::kRole ? "role/" : "user/",
                      who.principal.name);
}

absl::Status CheckSubject(const AccessSubject& who) {
  if (who.client_id.empty() && who.principal.name.empty()) {
    return absl::InvalidArgumentError("principal: a user, a role or a client_id is required");
  }
  if (!who.client_id.empty() && !who.principal.name.empty()) {
    return absl::InvalidArgumentError("principal: either a principal or a client_id, not both");
  }
  if (who.client_id.size() > 256 || who.principal.name.size() > 512) {
    return absl::InvalidArgumentError("principal: the name is too long");
  }
  if (!text::IsValidUtf8(who.client_id) || !text::IsValidUtf8(who.principal.name)) {
    return absl::InvalidArgumentError("principal: the name is not valid UTF-8");
  }
  return absl::OkStatus();
}

// One principal's uses, and the judgement of its grants against them.
class Judge {
 public:
  Judge(const std::vector<const ActivityRow*>& uses, int64_t window_start)
      : uses_(uses), window_start_(window_start) {}

  bool Active() const {
    for (const ActivityRow* u : uses_) {
      if (u->last_used_at >= window_start_) return true;
    }
    return false;
  }
  std::optional<int64_t> LastUse() const {
    std::optional<int64_t> last;
    for (const ActivityRow* u : uses_) last = std::max(last.value_or(0), u->last_used_at);
    return last;
  }

  struct PolicyUse {
    bool grants = false;  // it has an Allow statement
    bool used = false;    // one of its grants was used in the window
  };

  // Adds a finding per grant of `p`'s Allow statements unused in the window.
  PolicyUse Policy(const BoundPolicy& p, const std::string& via,
                   std::vector<UnusedGrantFinding>* out) const {
    bool grants = false;
    bool used = false;
    const std::string name = p.arn.empty() ? p.name : p.arn;
    for (size_t i = 0; i < p.policy->statements.size(); ++i) {
      const policy::Statement& st = p.policy->statements[i];
      if (st.effect != policy::Effect::kAllow) continue;
      grants = true;
      auto finding = [&](std::string service, std::string action, std::optional<int64_t> last) {
        UnusedGrantFinding f;
        f.service = std::move(service);
        f.action = std::move(action);
        f.policy = name;
        f.via = via;
        f.statement = static_cast<int>(i);
        f.sid = st.sid;
        f.last_used_at = last;
        out->push_back(std::move(f));
      };
      if (st.not_action) {
        auto matches = [&](const std::string& action) {
          for (const policy::Pattern& a : st.actions) {
            if (policy::GlobMatch(a.source(), action, true)) return false;
          }
          return true;
        };
        auto [recent, last] = Uses(matches);
        if (recent) {
          used = true;
        } else {
          std::vector<std::string> excluded;
          for (const policy::Pattern& a : st.actions) excluded.push_back(a.source());
          finding("*", absl::StrCat("NotAction [", absl::StrJoin(excluded, ", "), "]"), last);
        }
        continue;
      }
      for (const policy::Pattern& a : st.actions) {
        auto [recent, last] = Uses(
            [&](const std::string& action) { return policy::GlobMatch(a.source(), action, true); });
        if (recent) {
          used = true;
          continue;
        }
        const std::string service = a.is_match_all() ? "*" : ServiceOf(a.source());
        finding(service, a.source(), last);
      }
    }
    return {grants, used};
  }

 private:
  // Whether an action `matches` accepts was used in the window, and its
  // last use before the window.
  template <typename Match>
  std::pair<bool, std::optional<int64_t>> Uses(const Match& matches) const {
    std::optional<int64_t> last;
    for (const ActivityRow* u : uses_) {
      if (!matches(u->action)) continue;
      if (u->last_used_at >= window_start_) return {true, std::nullopt};
      last = std::max(last.value_or(0), u->last_used_at);
    }
    return {false, last};
  }

  const std::vector<const ActivityRow*>& uses_;
  const int64_t window_start_;
};

}  // namespace

void AccessReports::MergePending() {
  if (activity_ == nullptr) return;
  // What this replica holds is merged first, so a report includes the
  // decisions made just before it; the other replicas' arrive within their
  // flush interval.
  absl::Status s = activity_->Flush();
  if (!s.ok()) log::Warn("access activity not merged before a report", {{"status", s.ToString()}});
}

absl::StatusOr<LastUsedReport> AccessReports::LastUsed(const account::Caller& caller,
                                                       const std::string& account_id,
                                                       const AccessSubject& who) {
  account::Operation op("iam:GetAccessLastUsed", account_id, "", account::Touches::kAccountData);
  op.Check(CheckSubject(who));
  if (op.input.ok()) op.resource = OperationPath(who);
  ASSIGN_OR_RETURN(account::Admission admission, mutations_.AdmitChange(caller, op));
  const std::string& account = admission.account();
  MergePending();
  LastUsedReport out;
  out.account_id = account;
  Subject subject;
  std::vector<ActivityRow> rows;
  std::optional<int64_t> started;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(subject, Resolve(tx, account, who));
    ASSIGN_OR_RETURN(rows, store::access_activity::ListOfPrincipal(tx, account, subject.ref));
    ASSIGN_OR_RETURN(started, store::access_activity::TrackingStart(tx));
    return absl::OkStatus();
  }));
  out.principal_arn = subject.arn;
  out.kind = subject.kind;
  if (started) out.tracked_since = std::max(*started, subject.created_at);
  absl::flat_hash_map<std::string, size_t> by_service;
  for (const ActivityRow& r : rows) {
    const std::string service = ServiceOf(r.action);
    auto [it, added] = by_service.try_emplace(service, out.services.size());
    if (added) out.services.push_back(ServiceUse{service, 0, 0, {}});
    ServiceUse& s = out.services[it->second];
    s.last_used_at = std::max(s.last_used_at, r.last_used_at);
    s.uses += r.uses;
    s.actions.push_back(ActionUse{r.action, r.last_used_at, r.granted_by, r.uses});
  }
  auto recent = [](const auto& a, const auto& b) { return a.last_used_at > b.last_used_at; };
  for (ServiceUse& s : out.services) std::stable_sort(s.actions.begin(), s.actions.end(), recent);
  std::stable_sort(out.services.begin(), out.services.end(), recent);

  RETURN_IF_ERROR(mutations_.Commit(
      admission, [&](store::Tx&, const std::string& account, audit::Event& record) {
        record.Object("account", account);
        record.detail["principal"] = subject.arn;
        record.detail["actions"] = rows.size();
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<UnusedReport> AccessReports::Unused(const account::Caller& caller,
                                                   const std::string& account_id, int days,
                                                   const std::optional<AccessSubject>& who) {
  account::Operation op("iam:ListUnusedAccess", account_id, "", account::Touches::kAccountData);
  if (days < 1 || days > kMaxUnusedDays) {
    op.Check(absl::InvalidArgumentError(
        absl::StrCat("days: from 1 to ", kMaxUnusedDays, " (days without use)")));
  }
  if (who) {
    op.Check(CheckSubject(*who));
    if (op.input.ok()) op.resource = OperationPath(*who);
  }
  ASSIGN_OR_RETURN(account::Admission admission, mutations_.AdmitChange(caller, op));
  const std::string& account = admission.account();
  MergePending();
  ASSIGN_OR_RETURN(auto snapshot, cache_->Account(account));

  UnusedReport out;
  out.account_id = account;
  out.days = days;
  out.report_time = clock_.NowMs();
  const int64_t window_start = out.report_time - days * kDayMs;
  std::vector<Subject> subjects;
  std::vector<ActivityRow> rows;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    subjects.clear();
    ASSIGN_OR_RETURN(out.tracking_started, store::access_activity::TrackingStart(tx));
    ASSIGN_OR_RETURN(rows, store::access_activity::ListOfAccount(tx, account));
    if (who) {
      ASSIGN_OR_RETURN(Subject s, Resolve(tx, account, *who));
      subjects.push_back(std::move(s));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(auto users, store::users::List(tx, account, "", 1 << 30));
    for (const store::UserRow& u : users) {
      subjects.push_back(Subject{{store::PrincipalType::kUser, u.id},
                                 KindOf(u),
                                 ShownName(u),
                                 account::UserArn(account, u.username),
                                 u.created_at});
    }
    ASSIGN_OR_RETURN(auto roles, store::roles::List(tx, account, "", 1 << 30));
    for (const store::RoleRow& r : roles) {
      subjects.push_back(Subject{{store::PrincipalType::kRole, r.id},
                                 "role",
                                 r.name,
                                 account::RoleArn(account, r.name),
                                 r.created_at});
    }
    return absl::OkStatus();
  }));

  absl::flat_hash_map<std::string, std::vector<const ActivityRow*>> uses;  // by "type/id"
  for (const ActivityRow& r : rows) {
    uses[absl::StrCat(store::Name(r.principal.type), "/", r.principal.id)].push_back(&r);
  }
  for (const Subject& s : subjects) {
    const int64_t since = out.tracking_started ? std::max(*out.tracking_started, s.created_at) : 0;
    if (!out.tracking_started || since > window_start) {
      out.not_judged.push_back(s.arn);
      continue;
    }
    static const std::vector<const ActivityRow*> kNone;
    auto found = uses.find(absl::StrCat(store::Name(s.ref.type), "/", s.ref.id));
    Judge judge(found == uses.end() ? kNone : found->second, window_start);
    PrincipalUnused p;
    p.kind = s.kind;
    p.name = s.name;
    p.arn = s.arn;
    p.tracked_since = since;
    p.last_used_at = judge.LastUse();
    bool grants_any = false;
    auto judge_policy = [&](const BoundPolicy& bp, const std::string& via) {
      const auto use = judge.Policy(bp, via, &p.grants);
      grants_any = grants_any || use.grants;
      if (use.grants && !use.used) {
        p.policies.push_back(UnusedPolicyFinding{bp.arn.empty() ? bp.name : bp.arn, via});
      }
    };
    if (s.ref.type == store::PrincipalType::kUser) {
      ASSIGN_OR_RETURN(auto u, snapshot->User(cache_->db(), s.ref.id, /*by_id=*/true));
      for (size_t i = 0; i < u->policies.size(); ++i) {
        judge_policy(u->policies[i], PolicyVia(*u, i));
      }
    } else if (auto role = snapshot->roles().find(s.ref.id); role != snapshot->roles().end()) {
      for (const BoundPolicy& bp : role->second.policies) {
        judge_policy(bp, "role:" + role->second.name);
      }
    }
    p.inactive = grants_any && !judge.Active();
    if (p.inactive || !p.grants.empty()) out.principals.push_back(std::move(p));
  }

  RETURN_IF_ERROR(mutations_.Commit(
      admission, [&](store::Tx&, const std::string& account, audit::Event& record) {
        record.Object("account", account);
        record.detail["days"] = days;
        record.detail["principals"] = subjects.size();
        record.detail["with_findings"] = out.principals.size();
        if (who) record.detail["principal"] = subjects.empty() ? "" : subjects[0].arn;
        return absl::OkStatus();
      }));
  return out;
}

}  // namespace iam::authz
