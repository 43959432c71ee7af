#include "iam/server/malformed_request.h"

namespace iam::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

class MalformedRequestInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit MalformedRequestInterceptor(RpcMetrics::Method* method)
      : method_(method), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    // The handler's request is null exactly when it could not be parsed.
    if (m->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        m->GetRecvMessage() == nullptr) {
      malformed_ = true;
    }
    // gRPC answers INTERNAL (synchronous methods) or UNIMPLEMENTED
    // (callback methods) for a request it could not parse.
    if (malformed_ && m->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        (m->GetSendStatus().error_code() == grpc::StatusCode::INTERNAL ||
         m->GetSendStatus().error_code() == grpc::StatusCode::UNIMPLEMENTED)) {
      m->ModifySendStatus(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          "request: not a valid message (a string field with invalid UTF-8, or a truncated "
          "or malformed field)"));
    }
    // The status the caller gets, rewritten or not.
    if (method_ != nullptr &&
        m->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      method_->Count(m->GetSendStatus().error_code(), std::chrono::steady_clock::now() - start_);
    }
    m->Proceed();
  }

 private:
  RpcMetrics::Method* const method_;
  const std::chrono::steady_clock::time_point start_;
  bool malformed_ = false;
};

}  // namespace

grpc::experimental::Interceptor* MalformedRequestInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  RpcMetrics::Method* method = nullptr;
  if (metrics_ != nullptr) method = &metrics_->For(info->method() ? info->method() : "");
  return new MalformedRequestInterceptor(method);
}

}  // namespace iam::server
