// Translation of absl::Status into grpc::Status: the one place a domain
// status becomes a wire status. INTERNAL and DATA_LOSS details stay in the
// server's log; the caller gets a generic message.
#ifndef IAM_SERVER_GRPC_STATUS_H_
#define IAM_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace iam::server {

grpc::Status ToGrpc(const absl::Status& status);

}  // namespace iam::server

#endif  // IAM_SERVER_GRPC_STATUS_H_
