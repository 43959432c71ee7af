// Serve: the one shape of an authenticated unary handler: authenticate the
// caller, run fn(caller), translate the status. Answer: how a callback-API
// handler returns that status.
#ifndef IAM_SERVER_SERVE_H_
#define IAM_SERVER_SERVE_H_

#include <grpcpp/server_context.h>

#include "iam/server/grpc_status.h"

namespace iam::server {

template <typename Service, typename Fn>
grpc::Status Serve(const Service& svc, grpc::ServerContextBase* ctx, Fn&& fn) {
  auto caller = svc.Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  return ToGrpc(fn(*caller));
}

// Ends a callback-API unary call that was answered inline.
inline grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* ctx, grpc::Status status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

}  // namespace iam::server

#endif  // IAM_SERVER_SERVE_H_
