// Whether a listen address (host:port) is free, checked before anything
// starts, so that an iamd started on ports another process holds stops
// with one clear line instead of gRPC's own log and a half-started server.
// Port 0 (any free port) is always free.
#ifndef IAM_SERVER_PORT_CHECK_H_
#define IAM_SERVER_PORT_CHECK_H_

#include <string>

#include "absl/status/status.h"

namespace iam::server {

// UNAVAILABLE naming the address and `what` ("gRPC", "HTTP") when it is in
// use; INVALID_ARGUMENT when it is not host:port.
absl::Status CheckPortFree(const std::string& listen, const std::string& what);

}  // namespace iam::server

#endif  // IAM_SERVER_PORT_CHECK_H_
