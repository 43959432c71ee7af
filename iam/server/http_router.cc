#include "iam/server/http_router.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/common/counter_family.h"

namespace iam::server {
namespace {

std::vector<std::string> Segments(absl::string_view path) {
  return absl::StrSplit(path, '/', absl::SkipEmpty());
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool Match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           PathParams* params) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (params) (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

HttpRouter& HttpRouter::Add(const std::string& method, const std::string& pattern, Route route) {
  entries_.push_back({method, pattern, Segments(pattern), std::move(route),
                      std::make_shared<Figures>()});
  return *this;
}

HttpRouter& HttpRouter::Get(const std::string& p, Route r) { return Add("GET", p, std::move(r)); }
HttpRouter& HttpRouter::Post(const std::string& p, Route r) { return Add("POST", p, std::move(r)); }
HttpRouter& HttpRouter::Put(const std::string& p, Route r) { return Add("PUT", p, std::move(r)); }
HttpRouter& HttpRouter::Delete(const std::string& p, Route r) {
  return Add("DELETE", p, std::move(r));
}

HttpResponse HttpRouter::Handle(const HttpRequest& request) const {
  // An empty segment ("//") is not a path any route has: no normalisation
  // that a client and this router could disagree on.
  if (request.path.empty() || request.path[0] != '/' ||
      request.path.find("//") != std::string::npos) {
    unmatched_->Count(404);
    return HttpResponse::Json(404, R"({"error":"not_found"})");
  }
  const std::vector<std::string> path = Segments(request.path);
  std::vector<std::string> allowed;
  for (const Entry& e : entries_) {
    if (!Match(e.segments, path, nullptr)) continue;
    if (e.method == request.method) {
      HttpResponse r;
      {
        ScopedLatency timed(e.figures->time);
        PathParams params;
        Match(e.segments, path, &params);
        r = e.route(request, params);
      }
      e.figures->Count(r.status);
      return r;
    }
    allowed.push_back(e.method);
  }
  if (allowed.empty()) {
    unmatched_->Count(404);
    return HttpResponse::Json(404, R"({"error":"not_found"})");
  }
  unmatched_->Count(405);
  HttpResponse r = HttpResponse::Json(405, R"({"error":"method_not_allowed"})");
  r.With("Allow", absl::StrJoin(allowed, ", "));
  return r;
}

void HttpRouter::Figures::Count(int status) {
  if (status < 100 || status > 599) return;
  by_code[static_cast<size_t>(status - 100)].fetch_add(1, std::memory_order_relaxed);
}

void HttpRouter::AppendMetrics(std::string* out) const {
  AppendFamily(out, "iam_http_responses_total",
               "HTTP answers of the routes, by method, route and status code (route "
               "\"unmatched\": no route took the path).",
               "counter");
  auto codes = [&](const std::string& method, const std::string& route, const Figures& f) {
    for (size_t i = 0; i < f.by_code.size(); ++i) {
      const uint64_t n = f.by_code[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      absl::StrAppend(out, "iam_http_responses_total{method=\"", method, "\",route=\"", route,
                      "\",code=\"", i + 100, "\"} ", n, "\n");
    }
  };
  for (const Entry& e : entries_) codes(e.method, e.pattern, *e.figures);
  codes("any", "unmatched", *unmatched_);
  AppendFamily(out, "iam_http_handler_seconds",
               "Time from a routed HTTP request to its answer, by route (the network and the "
               "wait for a handler thread not included).",
               "histogram");
  for (const Entry& e : entries_) {
    if (e.figures->time.count() == 0) continue;
    e.figures->time.AppendTo(out, "iam_http_handler_seconds",
                             absl::StrCat("method=\"", e.method, "\",route=\"", e.pattern, "\""));
  }
}

}  // namespace iam::server
