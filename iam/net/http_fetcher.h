// HttpFetcher: the service's outbound HTTP requests (a client's jwks_uri,
// later upstream identity providers and back-channel logout). Every
// request is bounded: one deadline for connect, TLS and transfer; a cap on
// the response size; no redirects followed; https only, except http to a
// loopback host. The addresses a name resolves to are checked as the
// connection is opened, so a name that resolves to the service's own
// network (DNS rebinding included) is refused unless the deployment allows
// private networks. TLS peers are verified against the system's trust
// store, or a CA file. Proxy settings in the environment are ignored: the
// server's outbound traffic goes where the URL says.
//
// Thread-safe; each request uses its own connection.
#ifndef IAM_NET_HTTP_FETCHER_H_
#define IAM_NET_HTTP_FETCHER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace iam::net {

struct HttpFetcherOptions {
  absl::Duration timeout = absl::Seconds(5);
  size_t max_response_bytes = 256 * 1024;
  // Loopback, RFC 1918, link-local (cloud metadata), unique-local,
  // CGNAT, multicast and reserved destinations are refused unless set.
  bool allow_private_networks = false;
  // Trust anchors in PEM instead of the system's store; empty: the system's.
  std::string ca_file;
};

struct FetchRequest {
  std::string method = "GET";  // GET or POST
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct FetchResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string cache_control;
};

class HttpFetcher {
 public:
  explicit HttpFetcher(HttpFetcherOptions options);

  // The response, whatever its status. INVALID_ARGUMENT for a URL this
  // fetcher does not request (scheme, credentials in it); PERMISSION_DENIED
  // for a destination in a refused network; UNAVAILABLE when the peer
  // cannot be reached, fails TLS verification or misses the deadline;
  // RESOURCE_EXHAUSTED when the response is larger than allowed. Messages
  // name the host, never a header or body.
  absl::StatusOr<FetchResponse> Fetch(const FetchRequest& request) const;

  const HttpFetcherOptions& options() const { return options_; }

 private:
  HttpFetcherOptions options_;
};

// Whether a destination address (literal IPv4 or IPv6) is one that
// allow_private_networks guards.
bool IsPrivateDestination(absl::string_view address);

}  // namespace iam::net

#endif  // IAM_NET_HTTP_FETCHER_H_
