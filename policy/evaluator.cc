#include "policy/evaluator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "policy/arn.h"

namespace iam::policy {
namespace {

enum class PrincipalMatch { kNone, kAccount, kDirect };

bool ResourceMatches(const Pattern& p, absl::string_view resource, const VariableLookup& vars) {
  if (p.is_match_all()) return true;
  // When the first five ARN segments are literal, a whole-string glob is the
  // same as segment matching, and cheaper.
  const std::string& prefix = p.literal_prefix();
  if (std::count(prefix.begin(), prefix.end(), ':') >= 5) return p.Matches(resource, vars);
  if (!p.has_variables()) return ArnMatch(p.source(), resource);
  auto resolved = p.Resolve(vars);
  return resolved && ArnMatch(*resolved, resource);
}

struct Evaluation {
  const Request& req;
  std::string action;  // lower-case
  VariableLookup vars;
  bool explain;
  Result* result;
  bool is_root = false;

  void Trace(const Statement& st, absl::string_view what) {
    if (explain) result->trace.push_back(absl::StrCat(st.label, ": ", what));
  }

  bool ActionMatches(const Statement& st) const {
    bool any = false;
    for (const Pattern& a : st.actions) {
      if (a.Matches(action, nullptr)) {
        any = true;
        break;
      }
    }
    return any != st.not_action;
  }

  bool ResourceMatch(const Statement& st) const {
    bool any = false;
    for (const Pattern& r : st.resources) {
      if (ResourceMatches(r, req.resource, vars)) {
        any = true;
        break;
      }
    }
    return any != st.not_resource;
  }

  PrincipalMatch PrincipalOf(const Statement& st) const {
    const Principal& p = req.principal;
    const PrincipalSpec& spec = st.principal;
    PrincipalMatch m = PrincipalMatch::kNone;
    if (spec.everyone) {
      m = PrincipalMatch::kDirect;
    } else if (!p.anonymous) {
      for (const std::string& a : spec.arns) {
        if (a == p.arn || (!p.role.empty() && a == p.role) || InGroup(a)) {
          m = PrincipalMatch::kDirect;
        }
      }
      if (m == PrincipalMatch::kNone) {
        for (const std::string& a : spec.accounts) {
          if (a == p.account) m = is_root ? PrincipalMatch::kDirect : PrincipalMatch::kAccount;
        }
      }
    }
    if (st.not_principal) {
      return m == PrincipalMatch::kNone ? PrincipalMatch::kDirect : PrincipalMatch::kNone;
    }
    return m;
  }

  // A group ARN names its members. AWS accepts no group principals; here a
  // policy may name one, and it matches a principal whose groups list that
  // ARN, or the group's name within the principal's own account.
  bool InGroup(absl::string_view group_arn) const {
    const Principal& p = req.principal;
    if (p.groups.empty()) return false;
    ArnParts parts;
    if (!SplitArn(group_arn, &parts) || parts[2] != "iam" ||
        parts[5].substr(0, 6) != "group/") {
      return false;
    }
    const absl::string_view name = parts[5].substr(parts[5].rfind('/') + 1);
    for (const std::string& g : p.groups) {
      if (g == group_arn || (parts[4] == p.account && g == name)) return true;
    }
    return false;
  }

  bool ConditionsHold(const Statement& st) const {
    for (const Condition& c : st.conditions) {
      if (!c.Evaluate(req.context, vars)) return false;
    }
    return true;
  }

  // Whether the statement applies; for resource policies also how the
  // principal was named.
  bool Applies(const Statement& st, PrincipalMatch* how) {
    if (!ActionMatches(st)) {
      Trace(st, "action does not match");
      return false;
    }
    if (!ResourceMatch(st)) {
      Trace(st, "resource does not match");
      return false;
    }
    if (st.has_principal) {
      *how = PrincipalOf(st);
      if (*how == PrincipalMatch::kNone) {
        Trace(st, "principal does not match");
        return false;
      }
    }
    if (!ConditionsHold(st)) {
      Trace(st, "conditions do not hold");
      return false;
    }
    Trace(st, st.effect == Effect::kAllow ? "allows" : "denies");
    return true;
  }

  struct SideResult {
    absl::InlinedVector<const Statement*, 4> allows;
    absl::InlinedVector<const Statement*, 4> account_allows;  // resource: account-level
    absl::InlinedVector<const Statement*, 4> denies;
  };

  SideResult Scan(const PolicySet* set) {
    SideResult out;
    if (set == nullptr) return out;
    Candidates candidates;
    set->FindCandidates(action, req.resource, &candidates);
    for (const Statement* st : candidates) {
      PrincipalMatch how = PrincipalMatch::kDirect;
      if (!Applies(*st, &how)) continue;
      if (st->effect == Effect::kDeny) {
        out.denies.push_back(st);
      } else if (how == PrincipalMatch::kAccount) {
        out.account_allows.push_back(st);
      } else {
        out.allows.push_back(st);
      }
    }
    return out;
  }
};

std::string GranteeName(const AclGrant& g) {
  switch (g.grantee) {
    case AclGrant::Grantee::kAllUsers:
      return "AllUsers";
    case AclGrant::Grantee::kAuthenticatedUsers:
      return "AuthenticatedUsers";
    default:
      return "account " + g.account;
  }
}

const char* PermissionName(AclPermission p) {
  switch (p) {
    case AclPermission::kRead:
      return "READ";
    case AclPermission::kWrite:
      return "WRITE";
    case AclPermission::kReadAcp:
      return "READ_ACP";
    case AclPermission::kWriteAcp:
      return "WRITE_ACP";
    default:
      return "FULL_CONTROL";
  }
}

}  // namespace

const char* DecisionName(Decision d) {
  switch (d) {
    case Decision::kAllow:
      return "Allow";
    case Decision::kExplicitDeny:
      return "ExplicitDeny";
    default:
      return "ImplicitDeny";
  }
}

std::vector<std::string> Result::Reasons() const {
  std::vector<std::string> out;
  for (const Statement* st : statements) out.push_back(st->label);
  out.insert(out.end(), notes.begin(), notes.end());
  return out;
}

// AWS's documented exceptions to evaluation; `action` is lower case.
const char* AlwaysAllowed(absl::string_view action, const Principal& p, bool is_root,
                          const std::string& owner) {
  if (p.anonymous) return nullptr;
  if (action == "sts:getcalleridentity") {
    return "sts:GetCallerIdentity needs no permission, and no deny stops it";
  }
  if (is_root && owner == p.account &&
      (action == "s3:getbucketpolicy" || action == "s3:putbucketpolicy" ||
       action == "s3:deletebucketpolicy")) {
    return "the owning account's root may always read, replace and delete a bucket policy";
  }
  return nullptr;
}

Result Evaluate(const PolicyInputs& in, const Request& req, bool explain) {
  Result result;
  Evaluation ev{req, absl::AsciiStrToLower(req.action),
                [&req](absl::string_view key) -> const std::vector<std::string>* {
                  const Context::Entry* e = req.context.Find(key);
                  return e ? &e->values : nullptr;
                },
                explain, &result};
  const Principal& p = req.principal;
  const std::string& owner = req.resource_owner.empty() ? p.account : req.resource_owner;
  ev.is_root = !p.anonymous && !p.account.empty() &&
               p.arn == absl::StrCat("arn:aws:iam::", p.account, ":root");

  // 0. What AWS allows whatever any policy says, so that no policy can
  // lock it out: the owning account's root managing its bucket policy,
  // and anyone signed in asking who they are.
  if (const char* exception = AlwaysAllowed(ev.action, p, ev.is_root, owner)) {
    result.decision = Decision::kAllow;
    result.notes.push_back(exception);
    if (explain) result.trace.push_back(exception);
    return result;
  }

  auto identity = p.anonymous ? Evaluation::SideResult{} : ev.Scan(in.identity);
  auto boundary = p.anonymous ? Evaluation::SideResult{} : ev.Scan(in.boundary);
  auto second = p.anonymous ? Evaluation::SideResult{} : ev.Scan(in.second_boundary);
  auto resource = ev.Scan(in.resource);

  // 1. An explicit deny anywhere wins.
  for (const auto* side : {&identity, &boundary, &second, &resource}) {
    result.statements.insert(result.statements.end(), side->denies.begin(), side->denies.end());
  }
  if (!result.statements.empty()) {
    result.decision = Decision::kExplicitDeny;
    return result;
  }

  // 2. The ACL's grants to this principal (public groups are "direct").
  // Notes that explain an Allow are kept apart until the outcome is known.
  std::vector<std::string> allow_notes;
  bool acl_direct = false, acl_account = false;
  if (in.acl != nullptr) {
    for (const AclGrant& g : in.acl->grants) {
      if (!AclPermits(g.permission, in.acl->target, ev.action)) continue;
      bool hit = false, direct = true;
      switch (g.grantee) {
        case AclGrant::Grantee::kAllUsers:
          hit = true;
          break;
        case AclGrant::Grantee::kAuthenticatedUsers:
          hit = !p.anonymous;
          break;
        case AclGrant::Grantee::kAccount:
          hit = !p.anonymous && g.account == p.account;
          direct = ev.is_root;
          break;
      }
      if (!hit) continue;
      (direct ? acl_direct : acl_account) = true;
      allow_notes.push_back(
          absl::StrCat("acl: ", PermissionName(g.permission), " granted to ", GranteeName(g)));
      if (explain) result.trace.push_back(allow_notes.back());
    }
  }

  // 3. The identity side: the root of an account holds every permission in
  // it; anyone else needs an identity-policy allow, within the boundary.
  bool identity_allows = false;
  if (!p.anonymous) {
    if (ev.is_root) {
      identity_allows = true;
      allow_notes.push_back("principal is the account's root");
    } else {
      identity_allows = !identity.allows.empty();
      if (identity_allows && in.boundary != nullptr && boundary.allows.empty()) {
        identity_allows = false;
        result.notes.push_back("the permission boundary does not allow it");
      }
      if (identity_allows && in.second_boundary != nullptr && second.allows.empty()) {
        identity_allows = false;
        result.notes.push_back("the second permission boundary does not allow it");
      }
    }
  }

  const bool resource_direct = !resource.allows.empty() || acl_direct;
  const bool resource_any = resource_direct || !resource.account_allows.empty() || acl_account;
  bool allowed;
  if (p.anonymous) {
    allowed = resource_direct;
  } else if (owner == p.account) {
    allowed = identity_allows || resource_direct;
  } else {
    allowed = identity_allows && resource_any;
    if (!identity_allows && resource_any) {
      result.notes.push_back("cross-account: no identity policy of the principal allows it");
    } else if (identity_allows && !resource_any) {
      result.notes.push_back(
          absl::StrCat("cross-account: neither the resource policy nor the ACL of account ",
                       owner, " grants it"));
    }
  }
  if (allowed) {
    result.decision = Decision::kAllow;
    result.notes = std::move(allow_notes);
    if (identity_allows) {
      result.statements.insert(result.statements.end(), identity.allows.begin(),
                               identity.allows.end());
    }
    result.statements.insert(result.statements.end(), resource.allows.begin(),
                             resource.allows.end());
    if (owner != p.account) {
      result.statements.insert(result.statements.end(), resource.account_allows.begin(),
                               resource.account_allows.end());
    }
    return result;
  }
  result.decision = Decision::kImplicitDeny;
  if (result.notes.empty()) {
    result.notes.push_back(absl::StrCat("no statement allows ", req.action, " on ", req.resource));
  }
  return result;
}

}  // namespace iam::policy
