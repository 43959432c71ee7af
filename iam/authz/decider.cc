#include "iam/authz/decider.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "iam/authz/access_activity.h"
#include "iam/authz/resource_arn.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"

namespace iam::authz {
namespace {

using policy::Decision;

// Keys only the service may state; in a simulation the time and the MFA
// keys may be chosen too.
bool Reserved(absl::string_view lower, bool what_if) {
  if (absl::StartsWith(lower, "aws:principaltag/")) return true;
  for (absl::string_view k : {"aws:username", "aws:userid", "aws:principalaccount",
                              "aws:principalarn", "aws:principaltype"}) {
    if (lower == k) return true;
  }
  if (what_if) return false;
  for (absl::string_view k : {"aws:currenttime", "aws:epochtime", "aws:multifactorauthpresent",
                              "aws:multifactorauthage", "aws:tokenissuetime"}) {
    if (lower == k) return true;
  }
  return false;
}

absl::Status CheckAction(absl::string_view action) {
  if (action.empty()) return absl::InvalidArgumentError("action: required");
  if (action.size() > kMaxActionBytes) {
    return absl::InvalidArgumentError(absl::StrCat("action: at most ", kMaxActionBytes, " bytes"));
  }
  const size_t colon = action.find(':');
  if (colon == 0 || colon == absl::string_view::npos || colon + 1 == action.size()) {
    return absl::InvalidArgumentError("action: must be service:Action (e.g. s3:GetObject)");
  }
  for (size_t i = 0; i < action.size(); ++i) {
    const char c = action[i];
    if (i == colon) continue;
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return absl::InvalidArgumentError(
          "action: letters, digits, '-', '_' and '.' around one ':', no wildcards");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckContext(const std::vector<ContextKey>& keys, bool what_if) {
  if (keys.size() > kMaxContextKeys) {
    return absl::InvalidArgumentError(absl::StrCat("context: at most ", kMaxContextKeys, " keys"));
  }
  for (const ContextKey& k : keys) {
    const std::string field = absl::StrCat("context[", text::IsValidUtf8(k.key) ? k.key : "?", "]");
    if (k.key.empty() || k.key.size() > 128) {
      return absl::InvalidArgumentError("context: keys have 1 to 128 characters");
    }
    for (char c : k.key) {
      if (c < 0x21 || c > 0x7e) {
        return absl::InvalidArgumentError("context: keys are printable ASCII without spaces");
      }
    }
    if (Reserved(absl::AsciiStrToLower(k.key), what_if)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": set by the service from the principal, token and clock"));
    }
    if (k.values.size() > kMaxContextValues) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": at most ", kMaxContextValues, " values"));
    }
    for (const std::string& v : k.values) {
      if (v.size() > kMaxContextValueBytes || (!k.binary && !text::IsValidUtf8(v))) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ": values are valid UTF-8 (or base64 bytes) of at most ", kMaxContextValueBytes,
            " bytes"));
      }
    }
  }
  return absl::OkStatus();
}

void Put(policy::Context& ctx, const ContextKey& k) { ctx.Set(k.key, k.values, k.multi); }

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// aws:CurrentTime and aws:EpochTime change once a second: built once per
// second per thread, not once per decision.
const policy::Context& TimeKeysAt(absl::Time now) {
  thread_local int64_t built_for = -1;
  thread_local policy::Context keys;
  const int64_t second = absl::ToUnixSeconds(now);
  if (second != built_for) {
    built_for = second;
    keys.Set("aws:CurrentTime", {Rfc3339(now)}, false);
    keys.Set("aws:EpochTime", {absl::StrCat(second)}, false);
  }
  return keys;
}

// Whether an account whose audit policy is `p` records this decision.
bool Recorded(const audit::AuditPolicy& p, Decision d) {
  if (p.decision_log == "all") return true;
  if (p.decision_log == "denies") return d != Decision::kAllow;
  if (p.decision_log != "sampled") return false;
  // Sampling needs no secret randomness, only a cheap fair one.
  thread_local std::minstd_rand rng{std::random_device{}()};
  return static_cast<int>(rng() % 100) < p.decision_sample_percent;
}

// The decision over several grant paths: a deny in any wins, then an allow
// in any.
struct Combined {
  const policy::Result* deny = nullptr;
  const policy::Result* allow = nullptr;
  size_t allow_path = 0;
  std::string allow_note;
};

}  // namespace

void Decider::RecordUse(const CheckInput& in, const UserAuthz& user, const RoleGrant* path,
                        const policy::Result& allow, int64_t now_ms) const {
  // The first statement that allowed, or the ACL grant or rule that did.
  static const std::string kNone;
  const std::string& by = !allow.statements.empty() ? allow.statements[0]->label
                          : !allow.notes.empty()    ? allow.notes[0]
                                                    : kNone;
  activity_->Record(in.account_id, store::PrincipalType::kUser, user.id, in.action, by, now_ms);
  if (path != nullptr) {
    activity_->Record(in.account_id, store::PrincipalType::kRole, path->role->id, in.action, by,
                      now_ms);
  }
}

absl::Status Decider::Validate(const CheckInput& in) {
  RETURN_IF_ERROR(CheckAction(in.action));
  if (in.resource != "*") RETURN_IF_ERROR(ParseResourceArn("resource", in.resource, true).status());
  return CheckContext(in.context, in.what_if);
}

absl::StatusOr<CheckOutcome> Decider::Check(const CheckInput& in) const {
  RETURN_IF_ERROR(Validate(in));
  return CheckValidated(in);
}

absl::StatusOr<CheckOutcome> Decider::CheckValidated(const CheckInput& in) const {
  CheckOutcome out;
  ASSIGN_OR_RETURN(auto resources, cache_->Resources());
  const ResourceSide side = resources->Lookup(in.resource, in.action);

  policy::Request req;
  req.action = in.action;
  req.resource = in.resource;
  for (const ContextKey& k : in.context) Put(req.context, k);
  const absl::Time now = clock_->Now();
  // What the caller states (in a simulation) wins over the clock.
  req.context.AddFallback(&TimeKeysAt(now));
  for (const ContextKey& k : in.trusted) Put(req.context, k);

  std::shared_ptr<const UserAuthz> user;
  std::shared_ptr<const AccountSnapshot> snapshot;
  if (in.anonymous) {
    req.principal.anonymous = true;
  } else {
    if (in.account_id.empty() || in.user.empty()) {
      return absl::InvalidArgumentError("principal: required (or anonymous)");
    }
    auto snap = cache_->Account(in.account_id);
    if (absl::IsNotFound(snap.status())) return absl::NotFoundError("principal not found");
    RETURN_IF_ERROR(snap.status());
    snapshot = *snap;
    auto u = snapshot->User(cache_->db(), in.user, in.by_id);
    if (absl::IsNotFound(u.status())) return absl::NotFoundError("principal not found");
    RETURN_IF_ERROR(u.status());
    user = *u;
    out.principal_arn = user->arn;
    policy::Principal& p = req.principal;
    p.account = in.account_id;
    p.user = user->username;
    p.arn = user->arn;
    p.groups = user->group_arns;
    // Callers cannot state these keys, so the user's own cannot be shadowed.
    req.context.AddFallback(&user->principal_keys);
  }
  req.resource_owner = side.owner.empty() ? in.account_id : side.owner;
  out.resource_owner = req.resource_owner;

  if (!in.anonymous && !snapshot->active()) {
    out.reasons.push_back(
        absl::StrCat("the principal's account is ", store::Name(snapshot->state())));
    return out;
  }
  if (user && !user->active) {
    out.reasons.push_back("the principal is disabled");
    return out;
  }

  policy::PolicyInputs base;
  base.resource = side.policies;
  base.acl = side.acl;
  std::vector<policy::Result> results;
  // Which grant path each result is: null for the principal itself. Named
  // only when a trace or a note needs it.
  std::vector<const RoleGrant*> paths;
  results.reserve(1 + (user ? user->roles.size() : 0));
  {
    policy::PolicyInputs inputs = base;
    if (user) {
      inputs.identity = user->identity.get();
      inputs.boundary = user->boundary.get();
    }
    results.push_back(policy::Evaluate(inputs, req, in.explain));
    paths.push_back(nullptr);
  }
  auto role_name = [](const RoleGrant& g) {
    std::string name = absl::StrCat("role ", g.role->name);
    if (!g.via_group.empty()) absl::StrAppend(&name, " (through group ", g.via_group, ")");
    return name;
  };
  auto header = [&](size_t i) {
    if (paths[i] != nullptr) return role_name(*paths[i]);
    return in.anonymous ? std::string("anonymous") : absl::StrCat("as ", out.principal_arn);
  };
  const int64_t now_ms = absl::ToUnixMillis(now);
  if (user) {
    for (const RoleGrant& g : user->roles) {
      if (g.expires_at && *g.expires_at <= now_ms) {
        if (in.explain) {
          out.trace.push_back(absl::StrCat(role_name(g), ": expired at ",
                                           Rfc3339(absl::FromUnixMillis(*g.expires_at))));
        }
        continue;
      }
      policy::PolicyInputs inputs = base;
      inputs.identity = g.role->identity.get();
      inputs.boundary = g.role->boundary.get();
      inputs.second_boundary = user->boundary.get();
      req.principal.role = g.role->arn;
      results.push_back(policy::Evaluate(inputs, req, in.explain));
      paths.push_back(&g);
    }
  }

  Combined c;
  for (size_t i = 0; i < results.size(); ++i) {
    const policy::Result& r = results[i];
    if (in.explain) {
      out.trace.push_back(absl::StrCat(header(i), ": ", policy::DecisionName(r.decision)));
      for (const std::string& t : r.trace) out.trace.push_back("  " + t);
    }
    if (r.decision == Decision::kExplicitDeny && c.deny == nullptr) c.deny = &r;
    if (r.decision == Decision::kAllow && c.allow == nullptr) {
      c.allow = &r;
      c.allow_path = i;
      if (i > 0) c.allow_note = absl::StrCat("through ", header(i));
    }
  }
  const policy::Result* decided = c.deny ? c.deny : c.allow ? c.allow : &results[0];
  out.decision = decided->decision;
  out.reasons = decided->Reasons();
  if (!in.explain && !in.what_if) {
    if (!snapshot && !in.account_id.empty()) {  // anonymous: the asking account's policy
      auto snap = cache_->Account(in.account_id);
      if (snap.ok()) snapshot = *snap;
    }
    if (snapshot) out.record = Recorded(snapshot->audit_policy(), out.decision);
  }
  if (!c.deny && c.allow && !c.allow_note.empty()) out.reasons.push_back(c.allow_note);
  if (activity_ != nullptr && user && c.allow && !c.deny && !in.explain && !in.what_if) {
    RecordUse(in, *user, paths[c.allow_path], *c.allow, now_ms);
  }
  return out;
}

}  // namespace iam::authz
