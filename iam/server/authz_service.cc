#include "iam/server/authz_service.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/authz/check_principal.h"
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

bool HasPrincipal(const v1::CheckRequest& r) { return r.has_principal() || !r.token().empty(); }

}  // namespace

// What a batch shares: its default principal, the resolver that remembers
// the tokens it verified and the caller's rights to ask, and the source
// addresses already parsed.
struct AuthzServiceImpl::Batch {
  explicit Batch(const AuthzServiceImpl& service)
      : principals(
            service.tokens_,
            [mutations = &service.mutations_](const account::Caller& caller,
                                              const std::string& action,
                                              const std::string& account,
                                              const std::string& resource) {
              return mutations->Authorize(caller, action, account, resource);
            },
            service.decider_->Now()) {}

  const v1::CheckPrincipal* principal = nullptr;
  std::string token;
  authz::CheckPrincipals principals;
  absl::flat_hash_map<std::string, std::string> source_ips;  // as given -> canonical
};

absl::Status AuthzServiceImpl::Decide(const account::Caller& caller, const v1::CheckRequest& req,
                                      Batch& batch, absl::FunctionRef<std::string()> field,
                                      bool explain, bool what_if, v1::CheckResponse* out,
                                      v1::ExplainResponse* explained) const {
  authz::CheckInput in;
  in.action = req.action();
  in.resource = req.resource();
  in.explain = explain;
  in.what_if = what_if;
  for (int i = 0; i < req.context_size(); ++i) {
    const v1::ContextEntry& e = req.context(i);
    in.context.push_back({e.key(), {e.values().begin(), e.values().end()}, e.multi(), e.base64()});
    if (!e.base64()) continue;
    for (size_t j = 0; j < in.context.back().values.size(); ++j) {
      std::string& v = in.context.back().values[j];
      std::string bytes;
      if (!absl::Base64Unescape(v, &bytes)) {
        return absl::InvalidArgumentError(
            absl::StrCat(field(), "context[", i, "].values[", j, "]: not base64"));
      }
      v = std::move(bytes);
    }
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
                             : HasPrincipal(req)  ? req.token()
                                                  : batch.token;
  const v1::CheckPrincipal* named = req.has_principal() ? &req.principal()
                                    : HasPrincipal(req) ? nullptr
                                                        : batch.principal;
  authz::NamedPrincipal name;
  authz::PrincipalRequest asked{token,          nullptr,           req.audience(),
                                explain,        req.dpop_proof(),  req.http_method(),
                                req.http_uri()};
  if (named != nullptr) {
    name = {named->account_id(), named->username(), named->anonymous()};
    asked.named = &name;
  }
  ASSIGN_OR_RETURN(authz::PrincipalOutcome principal,
                   batch.principals.Resolve(caller, asked, field));
  if (const auto* rejected = std::get_if<authz::TokenRejected>(&principal)) {
    if (explained == nullptr) CountDecision(policy::Decision::kImplicitDeny);
    out->set_decision(v1::IMPLICIT_DENY);
    out->add_reasons(rejected->why);
    return absl::OkStatus();
  }
  authz::CheckPrincipal& p = std::get<authz::CheckPrincipal>(principal);
  in.account_id = std::move(p.account_id);
  in.user = std::move(p.user);
  in.by_id = p.by_id;
  in.anonymous = p.anonymous;
  in.trusted = std::move(p.trusted);

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
  if (explained == nullptr) CountDecision(outcome->decision);
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

void AuthzServiceImpl::CountDecision(policy::Decision d) const {
  std::atomic<uint64_t>* c = d == policy::Decision::kAllow          ? allowed_
                             : d == policy::Decision::kExplicitDeny ? denied_
                                                                    : not_allowed_;
  if (c != nullptr) c->fetch_add(1, std::memory_order_relaxed);
}

absl::Status AuthzServiceImpl::StoreStillTrusted() const {
  if (outage_ != nullptr && outage_->FailClosed()) {
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
                  Batch batch(*this);
                  return Decide(
                      c, *req, batch, [] { return std::string(); }, false, false, out, nullptr);
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
                  Batch batch(*this);
                  if (req->has_principal()) batch.principal = &req->principal();
                  batch.token = req->token();
                  for (int i = 0; i < req->checks_size(); ++i) {
                    RETURN_IF_ERROR(Decide(
                        c, req->checks(i), batch, [i] { return absl::StrCat("checks[", i, "]."); },
                        false, false, out->add_results(), nullptr));
                  }
                  return absl::OkStatus();
                }));
}

grpc::ServerUnaryReactor* AuthzServiceImpl::Explain(grpc::CallbackServerContext* ctx,
                                                    const v1::ExplainRequest* req,
                                                    v1::ExplainResponse* out) {
  return Answer(ctx, Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
                  RETURN_IF_ERROR(StoreStillTrusted());
                  Batch batch(*this);
                  return Decide(
                      c, req->check(), batch, [] { return std::string("check."); }, true,
                      req->what_if(), out->mutable_result(), out);
                }));
}

}  // namespace iam::server
