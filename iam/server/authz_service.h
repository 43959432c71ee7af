// AuthzServiceImpl: the gRPC face of authorization decisions (Check,
// BatchCheck, Explain). Establishes each check's principal (a verified
// token, a named user the caller may ask about, anonymous, or the caller
// itself) and the context keys only the service may set, then asks the
// Decider. Thread-safe.
#ifndef IAM_SERVER_AUTHZ_SERVICE_H_
#define IAM_SERVER_AUTHZ_SERVICE_H_

#include "iam/account/service_context.h"
#include "iam/authz/decider.h"
#include "iam/server/authenticator.h"
#include "iam/token/token_service.h"
#include "iam/v1/authz_service.grpc.pb.h"

namespace iam::server {

inline constexpr int kMaxBatchChecks = 1000;

class AuthzServiceImpl final : public v1::AuthzService::Service {
 public:
  AuthzServiceImpl(const account::ServiceContext& ctx, const authz::Decider* decider,
                   token::TokenService* tokens, const Authenticator* authenticator)
      : ctx_(ctx), decider_(decider), tokens_(tokens), authn_(authenticator) {}

  absl::StatusOr<account::Caller> Authenticate(grpc::ServerContext* ctx) const {
    return authn_->Authenticate(ctx);
  }

  grpc::Status Check(grpc::ServerContext*, const v1::CheckRequest*, v1::CheckResponse*) override;
  grpc::Status BatchCheck(grpc::ServerContext*, const v1::BatchCheckRequest*,
                          v1::BatchCheckResponse*) override;
  grpc::Status Explain(grpc::ServerContext*, const v1::ExplainRequest*,
                       v1::ExplainResponse*) override;

 private:
  struct Batch;
  // Decides one check into `out`; errors name `field`.
  absl::Status Decide(const account::Caller& caller, const v1::CheckRequest& req, Batch& batch,
                      const std::string& field, bool explain, bool what_if,
                      v1::CheckResponse* out, v1::ExplainResponse* explained) const;

  account::ServiceContext ctx_;
  const authz::Decider* decider_;
  token::TokenService* tokens_;
  const Authenticator* authn_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_AUTHZ_SERVICE_H_
