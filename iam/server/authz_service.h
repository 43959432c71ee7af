// AuthzServiceImpl: the gRPC face of authorization decisions (Check,
// BatchCheck, Explain). Checks the request's form and source address, has
// authz::CheckPrincipals establish each check's principal and the context
// keys only the service may set, then asks the Decider and offers the
// decision to the decision log. Thread-safe.
#ifndef IAM_SERVER_AUTHZ_SERVICE_H_
#define IAM_SERVER_AUTHZ_SERVICE_H_

#include "absl/functional/function_ref.h"
#include "iam/account/mutation.h"
#include "iam/audit/decision_log.h"
#include "iam/common/counter_family.h"
#include "iam/authz/decider.h"
#include "iam/server/arena_allocator.h"
#include "iam/server/authenticator.h"
#include "iam/token/token_service.h"
#include "iam/v1/authz_service.grpc.pb.h"

namespace iam::server {

inline constexpr int kMaxBatchChecks = 1000;

// A callback service: decisions are answered from memory, so they run on
// gRPC's own threads without a hand-off to a thread pool. The rare store
// read (a cold cache) blocks that thread for its duration.
class AuthzServiceImpl final : public v1::AuthzService::CallbackService {
 public:
  // `decisions` (may be null) receives the decisions accounts record.
  // `mutations` authorizes the callers' right to ask about others; `outage`
  // (may be null) says when to fail closed.
  AuthzServiceImpl(const account::Mutations& mutations, const StoreOutage* outage,
                   const authz::Decider* decider, token::TokenService* tokens,
                   const Authenticator* authenticator, audit::DecisionLog* decisions,
                   CounterFamily* decision_counts = nullptr)
      : mutations_(mutations),
        outage_(outage),
        decider_(decider),
        tokens_(tokens),
        authn_(authenticator),
        decisions_(decisions),
        allowed_(Counter(decision_counts, "allow")),
        denied_(Counter(decision_counts, "explicit_deny")),
        not_allowed_(Counter(decision_counts, "implicit_deny")) {
    SetMessageAllocatorFor_Check(&check_messages_);
    SetMessageAllocatorFor_BatchCheck(&batch_messages_);
  }

  absl::StatusOr<account::Caller> Authenticate(grpc::ServerContextBase* ctx) const {
    return authn_->Authenticate(ctx);
  }

  // Past the store outage's grace period decisions from memory stop.
  absl::Status StoreStillTrusted() const;

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext*, const v1::CheckRequest*,
                                  v1::CheckResponse*) override;
  grpc::ServerUnaryReactor* BatchCheck(grpc::CallbackServerContext*, const v1::BatchCheckRequest*,
                                       v1::BatchCheckResponse*) override;
  grpc::ServerUnaryReactor* Explain(grpc::CallbackServerContext*, const v1::ExplainRequest*,
                                    v1::ExplainResponse*) override;

 private:
  struct Batch;
  // Decides one check into `out`; errors name `field`.
  absl::Status Decide(const account::Caller& caller, const v1::CheckRequest& req, Batch& batch,
                      absl::FunctionRef<std::string()> field, bool explain, bool what_if,
                      v1::CheckResponse* out, v1::ExplainResponse* explained) const;

  const account::Mutations& mutations_;
  const StoreOutage* outage_;
  const authz::Decider* decider_;
  token::TokenService* tokens_;
  const Authenticator* authn_;
  audit::DecisionLog* decisions_;
  // The decisions answered, by kind (null: not counted); resolved once,
  // as counting is on every Check's path.
  static std::atomic<uint64_t>* Counter(CounterFamily* family, absl::string_view decision) {
    return family == nullptr ? nullptr : &family->At({decision});
  }
  void CountDecision(policy::Decision d) const;
  std::atomic<uint64_t>* const allowed_;
  std::atomic<uint64_t>* const denied_;
  std::atomic<uint64_t>* const not_allowed_;
  ArenaAllocator<v1::CheckRequest, v1::CheckResponse> check_messages_;
  ArenaAllocator<v1::BatchCheckRequest, v1::BatchCheckResponse> batch_messages_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_AUTHZ_SERVICE_H_
