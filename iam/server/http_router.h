// HttpRouter: maps a method and a path pattern to a route. Patterns are
// literal segments and `{name}` segments, which match one non-empty
// segment and hand it to the route; nothing else (no prefixes, no
// regular expressions), so which route answers a path is plain to see.
// Unknown paths answer 404, a known path with another method 405 with
// Allow. Built before serving, then read-only: thread-safe to Handle().
#ifndef IAM_SERVER_HTTP_ROUTER_H_
#define IAM_SERVER_HTTP_ROUTER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "iam/common/latency_histogram.h"
#include "iam/server/http_server.h"

namespace iam::server {

using PathParams = absl::flat_hash_map<std::string, std::string>;
using Route = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

class HttpRouter {
 public:
  HttpRouter& Get(const std::string& pattern, Route route);
  HttpRouter& Post(const std::string& pattern, Route route);
  HttpRouter& Put(const std::string& pattern, Route route);
  HttpRouter& Delete(const std::string& pattern, Route route);

  HttpResponse Handle(const HttpRequest& request) const;

  // Appends iam_http_handler_seconds, the time each route's handler took
  // (from the routed request to its answer, without the network), for the
  // routes that have answered. A copied router shares its routes' figures.
  void AppendMetrics(std::string* out) const;

 private:
  struct Entry {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Route route;
    std::shared_ptr<LatencyHistogram> time;
  };
  HttpRouter& Add(const std::string& method, const std::string& pattern, Route route);

  std::vector<Entry> entries_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_HTTP_ROUTER_H_
