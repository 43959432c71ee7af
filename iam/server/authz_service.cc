#include "iam/server/authz_service.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/authz/policy_authorizer.h"
#include "iam/common/cidr.h"
#include "iam/common/status_macros.h"
#include "iam/server/serve.h"

namespace iam::server {
namespace {

v1::Decision ToProto(policy::Decision d) {
  switch (d) {
    case policy::Decision::kAllow:
      return v1::ALLOW;
    case policy::Decision::kExplicitDeny:
      return v1::EXPLICIT_DENY;
    default:
      return v1::IMPLICIT_DENY;
  }
}

std::string Rfc3339(int64_t seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(seconds),
                          absl::UTCTimeZone());
}

bool HasPrincipal(const v1::CheckRequest& r) { return r.has_principal() || !r.token().empty(); }

}  // namespace

// What a batch shares: its default principal, and memos so that a batch of
// one principal verifies its token and the caller's right to ask once.
struct AuthzServiceImpl::Batch {
  const v1::CheckPrincipal* principal = nullptr;
  std::string token;
  absl::flat_hash_map<std::string, absl::StatusOr<token::VerifiedToken>> tokens;
  absl::flat_hash_map<std::string, absl::Status> allowed;
  absl::flat_hash_map<std::string, std::string> source_ips;  // as given -> canonical
};

absl::Status AuthzServiceImpl::Decide(const account::Caller& caller, const v1::CheckRequest& req,
                                      Batch& batch, absl::FunctionRef<std::string()> field,
                                      bool explain,
                                      bool what_if, v1::CheckResponse* out,
                                      v1::ExplainResponse* explained) const {
  authz::CheckInput in;
  in.action = req.action();
  in.resource = req.resource();
  in.explain = explain;
  in.what_if = what_if;
  for (const auto& e : req.context()) {
    in.context.push_back({e.key(), {e.values().begin(), e.values().end()}, e.multi()});
  }
  std::string source_ip = caller.source_ip;
  if (!req.source_ip().empty()) {
    auto it = batch.source_ips.find(req.source_ip());
    if (it == batch.source_ips.end()) {
      auto ip = IpAddress::Parse(req.source_ip());
      if (!ip) return absl::InvalidArgumentError(field() + "source_ip: not an IP address");
      it = batch.source_ips.emplace(req.source_ip(), ip->ToString()).first;
    }
    source_ip = it->second;
  }
  const bool stated_ip = std::any_of(in.context.begin(), in.context.end(), [](const auto& k) {
    return absl::EqualsIgnoreCase(k.key, "aws:SourceIp");
  });
  if (!stated_ip && !source_ip.empty()) in.context.push_back({"aws:SourceIp", {source_ip}, false});
  {
    absl::Status valid = authz::Decider::Validate(in);
    if (!valid.ok()) return absl::InvalidArgumentError(field() + std::string(valid.message()));
  }

  const std::string& token = !req.token().empty() ? req.token()
                             : HasPrincipal(req)   ? req.token()
                                                   : batch.token;
  const v1::CheckPrincipal* named = req.has_principal() ? &req.principal()
                                    : HasPrincipal(req) ? nullptr
                                                        : batch.principal;
  if (!token.empty()) {
    auto it = batch.tokens.find(token);
    if (it == batch.tokens.end()) {
      it = batch.tokens.emplace(token, tokens_->Verify(token, req.audience(), true)).first;
    }
    const auto& verified = it->second;
    if (!verified.ok() || !verified->session_active) {
      if (verified.ok() || absl::IsUnauthenticated(verified.status())) {
        out->set_decision(v1::IMPLICIT_DENY);
        out->add_reasons("the token is invalid or expired, or its session ended");
        return absl::OkStatus();
      }
      return verified.status();
    }
    const token::Claims& c = verified->claims;
    in.account_id = c.account;
    in.user = c.sub;
    in.by_id = true;
    const bool mfa = std::find(c.amr.begin(), c.amr.end(), "mfa") != c.amr.end();
    in.trusted.push_back({"aws:MultiFactorAuthPresent", {mfa ? "true" : "false"}, false});
    if (mfa) {
      const int64_t age = std::max<int64_t>(0, absl::ToUnixSeconds(decider_->Now()) - c.auth_time);
      in.trusted.push_back({"aws:MultiFactorAuthAge", {absl::StrCat(age)}, false});
    }
    in.trusted.push_back({"aws:TokenIssueTime", {Rfc3339(c.iat)}, false});
  } else if (named != nullptr) {
    const std::string account = named->account_id().empty() ? caller.account_id
                                                             : named->account_id();
    if (account != caller.account_id) {
      return absl::NotFoundError(field() + "principal not found");
    }
    in.account_id = account;
    in.anonymous = named->anonymous();
    if (!in.anonymous) {
      if (named->username().empty()) {
        return absl::InvalidArgumentError(field() + "principal.username: required");
      }
      in.user = named->username();
    }
    // May the caller ask about this principal?
    const std::string resource = account::IamArn(
        account, in.anonymous ? std::string("anonymous") : "user/" + in.user);
    const std::string action = explain ? "authz:Explain" : "authz:Check";
    const std::string memo = action + resource;
    auto it = batch.allowed.find(memo);
    if (it == batch.allowed.end()) {
      it = batch.allowed
               .emplace(memo, account::Authorize(ctx_, caller, action, account, resource))
               .first;
    }
    RETURN_IF_ERROR(it->second);
  } else {
    in.account_id = caller.account_id;
    in.user = caller.user_id;
    in.by_id = true;
    for (auto& k : authz::CallerContext(caller, decider_->Now())) {
      if (k.key != "aws:SourceIp") in.trusted.push_back(std::move(k));
    }
    if (explain) {
      RETURN_IF_ERROR(account::Authorize(ctx_, caller, "authz:Explain", caller.account_id,
                                         account::IamArn(caller.account_id,
                                                         "user/" + caller.username)));
    }
  }

  auto outcome = decider_->CheckValidated(in);
  if (!outcome.ok()) {
    return absl::Status(outcome.status().code(), field() + std::string(outcome.status().message()));
  }
  if (outcome->record && decisions_ != nullptr) {
    audit::DecisionRecord d;
    d.account_id = in.account_id;
    d.principal = outcome->principal_arn.empty() ? "anonymous" : outcome->principal_arn;
    d.caller = caller.Arn();
    d.caller_ip = caller.source_ip;
    d.action = in.action;
    d.resource = in.resource;
    d.decision = policy::DecisionName(outcome->decision);
    d.reasons = outcome->reasons;
    d.source_ip = source_ip;
    decisions_->Offer(std::move(d));  // never waits; a full queue is counted
  }
  out->set_decision(ToProto(outcome->decision));
  out->set_allowed(outcome->decision == policy::Decision::kAllow);
  for (const auto& r : outcome->reasons) out->add_reasons(r);
  out->set_principal_arn(outcome->principal_arn);
  if (explained != nullptr) {
    for (const auto& t : outcome->trace) explained->add_trace(t);
    explained->set_resource_owner(outcome->resource_owner);
  }
  return absl::OkStatus();
}

absl::Status AuthzServiceImpl::StoreStillTrusted() const {
  if (ctx_.outage != nullptr && ctx_.outage->FailClosed()) {
    return absl::UnavailableError(
        "the store has been unreachable for longer than the outage grace period");
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AuthzServiceImpl::Check(grpc::CallbackServerContext* ctx,
                                                  const v1::CheckRequest* req,
                                                  v1::CheckResponse* out) {
  return Answer(ctx, Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    RETURN_IF_ERROR(StoreStillTrusted());
    Batch batch;
    return Decide(c, *req, batch, [] { return std::string(); }, false, false, out, nullptr);
  }));
}

grpc::ServerUnaryReactor* AuthzServiceImpl::BatchCheck(grpc::CallbackServerContext* ctx,
                                                       const v1::BatchCheckRequest* req,
                                                       v1::BatchCheckResponse* out) {
  return Answer(ctx, Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    RETURN_IF_ERROR(StoreStillTrusted());
    if (req->checks_size() > kMaxBatchChecks) {
      return absl::InvalidArgumentError(
          absl::StrCat("checks: at most ", kMaxBatchChecks, " per call"));
    }
    Batch batch;
    if (req->has_principal()) batch.principal = &req->principal();
    batch.token = req->token();
    for (int i = 0; i < req->checks_size(); ++i) {
      RETURN_IF_ERROR(Decide(c, req->checks(i), batch,
                             [i] { return absl::StrCat("checks[", i, "]."); }, false, false,
                             out->add_results(), nullptr));
    }
    return absl::OkStatus();
  }));
}

grpc::ServerUnaryReactor* AuthzServiceImpl::Explain(grpc::CallbackServerContext* ctx,
                                                    const v1::ExplainRequest* req,
                                                    v1::ExplainResponse* out) {
  return Answer(ctx, Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    RETURN_IF_ERROR(StoreStillTrusted());
    Batch batch;
    return Decide(c, req->check(), batch, [] { return std::string("check."); }, true,
                  req->what_if(), out->mutable_result(), out);
  }));
}

}  // namespace iam::server
