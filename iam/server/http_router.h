// HttpRouter: maps a method and a path pattern to a route. Patterns are
// literal segments and `{name}` segments, which match one non-empty
// segment and hand it to the route; nothing else (no prefixes, no
// regular expressions), so which route answers a path is plain to see.
// Unknown paths answer 404, a known path with another method 405 with
// Allow. Built before serving, then read-only: thread-safe to Handle().
#ifndef IAM_SERVER_HTTP_ROUTER_H_
#define IAM_SERVER_HTTP_ROUTER_H_

#include <array>
#include <atomic>
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

  // Appends iam_http_responses_total, the answers of each route by status
  // code (route "unmatched" for paths no route takes), and
  // iam_http_handler_seconds, the time each route's handler took (from the
  // routed request to its answer, without the network), for the routes
  // that have answered. A copied router shares its routes' figures.
  void AppendMetrics(std::string* out) const;

 private:
  // Answers by status code (100 to 599), lock-free on every request.
  struct Figures {
    LatencyHistogram time;
    std::array<std::atomic<uint64_t>, 500> by_code{};
    void Count(int status);
  };
  struct Entry {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Route route;
    std::shared_ptr<Figures> figures;
  };
  HttpRouter& Add(const std::string& method, const std::string& pattern, Route route);

  std::vector<Entry> entries_;
  std::shared_ptr<Figures> unmatched_ = std::make_shared<Figures>();
};

}  // namespace iam::server

#endif  // IAM_SERVER_HTTP_ROUTER_H_
