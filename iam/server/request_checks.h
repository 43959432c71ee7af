// Checks every per-account HTTP route makes of its request. Pure.
#ifndef IAM_SERVER_REQUEST_CHECKS_H_
#define IAM_SERVER_REQUEST_CHECKS_H_

#include <string>

#include "iam/server/http_server.h"

namespace iam::server {

// Whether a path segment can be an account id (12 digits).
bool IsAccountId(const std::string& id);
// Whether the body is application/x-www-form-urlencoded.
bool IsForm(const HttpRequest& request);

}  // namespace iam::server

#endif  // IAM_SERVER_REQUEST_CHECKS_H_
