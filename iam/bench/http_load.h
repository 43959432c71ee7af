// A closed-loop HTTP/1.1 load generator (Boost.Beast): each of
// `connections` keep-alive connections has exactly one request in flight
// and sends the next when the answer arrives. Before the load starts it
// can open idle keep-alive connections (each served one request, then
// silent) and slow clients (a request's header dribbled a byte a second):
// the two ways a thread-per-connection server stops serving new requests.
#ifndef IAM_BENCH_HTTP_LOAD_H_
#define IAM_BENCH_HTTP_LOAD_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/time/time.h"
#include "iam/bench/load_loop.h"

namespace iam::bench {

struct HttpLoadOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  int connections = 64;
  int threads = 1;  // the client's I/O threads
  int idle_connections = 0;
  int slow_connections = 0;
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  int64_t requests = 0;  // > 0: measure this many instead of a duration
  // > 0: an open loop at this many requests a second in all, spread evenly
  // over the connections. Latency counts from when a request was due, so
  // a server that falls behind is not excused by the client waiting.
  double rate = 0;
};

// The whole request text (request line, headers, blank line, body) of
// connection `slot`'s n-th request. It must keep the connection alive.
using HttpRequestFactory = std::function<std::string(int slot, uint64_t n)>;
// Empty when connection `slot`'s answer is the expected one; otherwise why
// it is not. Runs on that connection's strand, before its next request is
// made, so it may keep what the next request needs (a rotated token).
using HttpCheck = std::function<std::string(int slot, int status, const std::string& body)>;

struct HttpPrelude {
  int idle_opened = 0;  // idle connections that got their one answer
  int slow_opened = 0;  // slow clients connected and dribbling
  double idle_open_seconds = 0;  // time to open and serve every idle one
};

// failures_by_code counts HTTP statuses; 0 stands for a transport error.
LoadResult RunHttpLoad(const HttpLoadOptions& options, const HttpRequestFactory& request,
                       const HttpCheck& check, HttpPrelude* prelude = nullptr);

// One request on a fresh connection, synchronously: for setting a load up.
struct HttpAnswer {
  int status = 0;  // 0: transport error, described in body
  std::string body;
};
HttpAnswer HttpCall(const std::string& host, int port, const std::string& request_text);

}  // namespace iam::bench

#endif  // IAM_BENCH_HTTP_LOAD_H_
