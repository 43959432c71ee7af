// A server interceptor that answers INVALID_ARGUMENT, as the API promises,
// for a request protobuf cannot parse (a string field holding invalid
// UTF-8, a truncated or malformed field). gRPC's own answer for those is
// INTERNAL (or, for callback methods, UNIMPLEMENTED) with an empty message,
// which reads like a fault of the server. It also counts each call into
// RpcMetrics: one interceptor per call, not two, on every call's path.
#ifndef IAM_SERVER_MALFORMED_REQUEST_H_
#define IAM_SERVER_MALFORMED_REQUEST_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>

#include "iam/server/rpc_metrics.h"

namespace iam::server {

class MalformedRequestInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` (may be null: calls not counted) must outlive the server.
  explicit MalformedRequestInterceptorFactory(RpcMetrics* metrics = nullptr)
      : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  RpcMetrics* metrics_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_MALFORMED_REQUEST_H_
