#include "iam/server/grpc_status.h"

#include "iam/common/log.h"

namespace iam::server {

grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  if (absl::IsInternal(s) || absl::IsDataLoss(s) || absl::IsUnknown(s)) {
    log::Error("request failed", {{"status", s.ToString()}});
    return grpc::Status(static_cast<grpc::StatusCode>(s.code()), "internal error");
  }
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

}  // namespace iam::server
