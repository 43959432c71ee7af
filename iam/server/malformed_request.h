// A server interceptor that answers INVALID_ARGUMENT, as the API promises,
// for a request protobuf cannot parse (a string field holding invalid
// UTF-8, a truncated or malformed field). gRPC's own answer for those is
// INTERNAL (or, for callback methods, UNIMPLEMENTED) with an empty message,
// which reads like a fault of the server.
#ifndef IAM_SERVER_MALFORMED_REQUEST_H_
#define IAM_SERVER_MALFORMED_REQUEST_H_

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace iam::server {

class MalformedRequestInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace iam::server

#endif  // IAM_SERVER_MALFORMED_REQUEST_H_
