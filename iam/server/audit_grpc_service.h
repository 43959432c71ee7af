// AuditServiceImpl: the gRPC face of account::AuditService (QueryAudit,
// ExportAudit as a server stream, VerifyAudit). Thread-safe.
#ifndef IAM_SERVER_AUDIT_GRPC_SERVICE_H_
#define IAM_SERVER_AUDIT_GRPC_SERVICE_H_

#include "iam/account/audit_service.h"
#include "iam/server/authenticator.h"
#include "iam/v1/audit_service.grpc.pb.h"

namespace iam::server {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(account::AuditService& records, const Authenticator* authenticator)
      : audit_(records), authn_(authenticator) {}

  absl::StatusOr<account::Caller> Authenticate(grpc::ServerContextBase* ctx) const {
    return authn_->Authenticate(ctx);
  }

  grpc::Status QueryAudit(grpc::ServerContext*, const v1::QueryAuditRequest*,
                          v1::QueryAuditResponse*) override;
  grpc::Status ExportAudit(grpc::ServerContext*, const v1::ExportAuditRequest*,
                           grpc::ServerWriter<v1::AuditRecord>*) override;
  grpc::Status VerifyAudit(grpc::ServerContext*, const v1::VerifyAuditRequest*,
                           v1::VerifyAuditResponse*) override;
  grpc::Status ListMyLogins(grpc::ServerContext*, const v1::ListMyLoginsRequest*,
                            v1::ListMyLoginsResponse*) override;

 private:
  account::AuditService& audit_;
  const Authenticator* authn_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_AUDIT_GRPC_SERVICE_H_
