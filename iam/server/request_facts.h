// What a signed request's signature covers and the handler cannot see: the
// full method name and the SHA-256 of the request message. A server
// interceptor records them, only for calls whose authorization is a
// signature (IAM-HMAC-SHA256), while the call lasts; the Authenticator
// reads them by the call's context. Thread-safe.
#ifndef IAM_SERVER_REQUEST_FACTS_H_
#define IAM_SERVER_REQUEST_FACTS_H_

#include <grpcpp/support/server_interceptor.h>

#include <optional>
#include <string>

namespace iam::server {

struct RequestFacts {
  std::string method;       // "/iam.v1.AdminService/GetUser"
  std::string body_sha256;  // hex, of the request as protobuf serializes it
};

// The facts of the call running under ctx, if it is a signed one.
std::optional<RequestFacts> FactsOf(const grpc::ServerContextBase* ctx);

class RequestFactsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace iam::server

#endif  // IAM_SERVER_REQUEST_FACTS_H_
