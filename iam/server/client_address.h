// Who sent an HTTP request: the peer, or, when the peer is one of the
// configured trusted proxies (login.trusted_proxies), the address that
// proxy put in X-Forwarded-For. The header is read from the right, past
// every trusted hop, so a client cannot choose its own address by sending
// the header itself. Pure.
#ifndef IAM_SERVER_CLIENT_ADDRESS_H_
#define IAM_SERVER_CLIENT_ADDRESS_H_

#include <string>
#include <vector>

#include "iam/common/cidr.h"
#include "iam/server/http_server.h"

namespace iam::server {

std::string ClientAddress(const HttpRequest& request, const std::vector<Cidr>& trusted_proxies);

}  // namespace iam::server

#endif  // IAM_SERVER_CLIENT_ADDRESS_H_
