#include "iam/bench/http_load.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace iam::bench {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

// What the run is doing now; slots read it when a request completes.
enum Phase : int { kWarmup = 0, kMeasure = 1, kStop = 2 };

struct Shared {
  std::atomic<int> phase{kWarmup};
  std::atomic<int64_t> measured_started{0};
  int64_t limit = 0;  // options.requests
  SteadyClock::time_point measure_start;
  SteadyClock::time_point start;  // the schedule's origin (open loop)
  double rate = 0;
  int connections = 1;
  tcp::endpoint endpoint;
  const HttpRequestFactory* request = nullptr;
  const HttpCheck* check = nullptr;
};

// One keep-alive connection with one request in flight.
class Slot : public std::enable_shared_from_this<Slot> {
 public:
  Slot(net::io_context& ioc, Shared* shared, int index)
      : stream_(net::make_strand(ioc)), shared_(shared), index_(index) {}

  void Start() { Connect(); }

  std::vector<int64_t> latency_ns;
  int64_t completed = 0;
  int64_t failed = 0;
  std::map<int, int64_t> failures;
  std::string first_failure;

 private:
  void Connect() {
    if (shared_->phase.load() == kStop) return;
    stream_.async_connect(shared_->endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Fail(0, "connect: " + ec.message(), /*reconnect=*/true);
      beast::error_code ignored;
      self->stream_.socket().set_option(tcp::no_delay(true), ignored);
      self->Send();
    });
  }

  void Send() {
    if (shared_->phase.load() == kStop) return Close();
    if (shared_->rate > 0) {
      // The k-th request of slot i is due at (k * connections + i) / rate.
      const double at = (static_cast<double>(next_) * shared_->connections + index_) / shared_->rate;
      due_ = shared_->start + std::chrono::duration_cast<SteadyClock::duration>(
                                  std::chrono::duration<double>(at));
      if (due_ > SteadyClock::now()) {
        timer_.emplace(stream_.get_executor(), due_);
        timer_->async_wait([self = shared_from_this()](beast::error_code) { self->SendNow(); });
        return;
      }
    }
    SendNow();
  }

  void SendNow() {
    const int phase = shared_->phase.load();
    if (phase == kStop) return Close();
    measured_ = false;
    if (phase == kMeasure) {
      const int64_t n = shared_->measured_started.fetch_add(1);
      measured_ = shared_->limit == 0 || n < shared_->limit;
    }
    text_ = (*shared_->request)(index_, next_++);
    start_ = shared_->rate > 0 ? due_ : SteadyClock::now();
    net::async_write(stream_, net::buffer(text_),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Fail(0, "write: " + ec.message(), true);
                       self->Read();
                     });
  }

  void Read() {
    response_.emplace();
    response_->body_limit(8 * 1024 * 1024);
    http::async_read(stream_, buffer_, *response_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Fail(0, "read: " + ec.message(), true);
                       self->Done();
                     });
  }

  void Done() {
    const auto& res = response_->get();
    const int status = res.result_int();
    const std::string why = (*shared_->check)(index_, status, res.body());
    if (measured_) {
      ++completed;
      latency_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - start_)
              .count());
      if (!why.empty()) Record(status, why);
    }
    if (!res.keep_alive()) {
      // A closed socket reopens on connect.
      Close();
      return Connect();
    }
    Send();
  }

  void Record(int code, const std::string& why) {
    ++failed;
    ++failures[code];
    if (first_failure.empty()) first_failure = why;
  }

  void Fail(int code, const std::string& why, bool reconnect) {
    if (shared_->phase.load() == kStop) return;
    if (measured_) {
      ++completed;
      Record(code, why);
      measured_ = false;
    }
    Close();
    if (!reconnect) return;
    // A refused connection must not spin: try again shortly.
    timer_.emplace(stream_.get_executor(), std::chrono::milliseconds(10));
    timer_->async_wait([self = shared_from_this()](beast::error_code) { self->Connect(); });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
  }

  beast::tcp_stream stream_;
  Shared* shared_;
  int index_;
  uint64_t next_ = 0;
  bool measured_ = false;
  std::string text_;
  SteadyClock::time_point start_;
  SteadyClock::time_point due_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> response_;
  std::optional<net::steady_timer> timer_;
};

// Opens `count` connections, sends each one small GET and waits for its
// answer, and keeps them open and silent until destroyed.
struct IdleConnections {
  std::vector<std::unique_ptr<tcp::socket>> sockets;
};

int OpenIdle(net::io_context& ioc, const tcp::endpoint& endpoint, int count,
             IdleConnections* out) {
  static const std::string kGet = "GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n";
  int served = 0;
  for (int i = 0; i < count; ++i) {
    auto s = std::make_unique<tcp::socket>(ioc);
    beast::error_code ec;
    s->connect(endpoint, ec);
    if (ec) break;
    net::write(*s, net::buffer(kGet), ec);
    out->sockets.push_back(std::move(s));
  }
  // Answers are read after all requests are out: a server that serves one
  // connection per thread shows here how many it gets to.
  const auto deadline = SteadyClock::now() + std::chrono::seconds(20);
  for (auto& s : out->sockets) {
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    beast::error_code ec;
    const auto left = deadline - SteadyClock::now();
    if (left <= std::chrono::milliseconds(0)) break;
    struct timeval tv{};
    tv.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(left).count() + 1;
    ::setsockopt(s->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    http::read(*s, buffer, res, ec);
    if (!ec) ++served;
  }
  return served;
}

// A slow client: a request line, then one header byte a second, forever.
class SlowClient : public std::enable_shared_from_this<SlowClient> {
 public:
  SlowClient(net::io_context& ioc, const std::atomic<int>* phase)
      : socket_(ioc), timer_(ioc), phase_(phase) {}
  bool Open(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    socket_.connect(endpoint, ec);
    if (ec) return false;
    static const std::string kStart = "GET /healthz HTTP/1.1\r\nHost: bench\r\nX-Slow: ";
    net::write(socket_, net::buffer(kStart), ec);
    return !ec;
  }
  void Dribble() {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->phase_->load() == kStop) return;
      static const char kByte = 'a';
      net::async_write(self->socket_, net::buffer(&kByte, 1),
                       [self](beast::error_code e, size_t) {
                         if (!e) self->Dribble();
                       });
    });
  }
  void Close() {
    beast::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

 private:
  tcp::socket socket_;
  net::steady_timer timer_;
  const std::atomic<int>* phase_;
};

}  // namespace

LoadResult RunHttpLoad(const HttpLoadOptions& options, const HttpRequestFactory& request,
                       const HttpCheck& check, HttpPrelude* prelude) {
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  Shared shared;
  shared.limit = options.requests;
  shared.rate = options.rate;
  shared.connections = std::max(1, options.connections);
  shared.request = &request;
  shared.check = &check;
  {
    tcp::resolver resolver(ioc);
    shared.endpoint = *resolver.resolve(options.host, std::to_string(options.port)).begin();
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, options.threads); ++i) threads.emplace_back([&] { ioc.run(); });

  HttpPrelude pre;
  std::vector<std::shared_ptr<SlowClient>> slow;
  for (int i = 0; i < options.slow_connections; ++i) {
    auto c = std::make_shared<SlowClient>(ioc, &shared.phase);
    if (!c->Open(shared.endpoint)) break;
    c->Dribble();
    slow.push_back(std::move(c));
    ++pre.slow_opened;
  }
  IdleConnections idle;
  if (options.idle_connections > 0) {
    const auto t0 = SteadyClock::now();
    pre.idle_opened = OpenIdle(ioc, shared.endpoint, options.idle_connections, &idle);
    pre.idle_open_seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  }
  if (prelude) *prelude = pre;

  std::vector<std::shared_ptr<Slot>> slots;
  shared.start = SteadyClock::now();
  for (int i = 0; i < options.connections; ++i) {
    slots.push_back(std::make_shared<Slot>(ioc, &shared, i));
    slots.back()->Start();
  }
  std::this_thread::sleep_for(absl::ToChronoNanoseconds(options.warmup));
  shared.measure_start = SteadyClock::now();
  shared.phase.store(kMeasure);
  if (options.requests > 0) {
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      int64_t done = 0;
      // completed is written by the slots' strands; a racy read only
      // delays the stop by a poll.
      for (const auto& s : slots) done += __atomic_load_n(&s->completed, __ATOMIC_RELAXED);
      if (done >= options.requests) break;
    }
  } else {
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(options.duration));
  }
  const double seconds =
      std::chrono::duration<double>(SteadyClock::now() - shared.measure_start).count();
  shared.phase.store(kStop);
  for (auto& c : slow) c->Close();
  guard.reset();
  // In-flight requests finish or fail; then run() returns.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ioc.stop();
  for (auto& t : threads) t.join();

  LoadResult r;
  r.seconds = seconds;
  for (const auto& s : slots) {
    r.completed += s->completed;
    r.failed += s->failed;
    for (const auto& [code, n] : s->failures) r.failures_by_code[code] += n;
    if (r.first_failure.empty()) r.first_failure = s->first_failure;
    r.latency_ns.insert(r.latency_ns.end(), s->latency_ns.begin(), s->latency_ns.end());
  }
  std::sort(r.latency_ns.begin(), r.latency_ns.end());
  return r;
}

HttpAnswer HttpCall(const std::string& host, int port, const std::string& request_text) {
  net::io_context ioc;
  HttpAnswer a;
  try {
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(resolver.resolve(host, std::to_string(port)));
    net::write(stream.socket(), net::buffer(request_text));
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    a.status = res.result_int();
    a.body = res.body();
  } catch (const std::exception& e) {
    a.status = 0;
    a.body = e.what();
  }
  return a;
}

}  // namespace iam::bench
