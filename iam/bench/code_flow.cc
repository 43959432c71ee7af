#include "iam/bench/code_flow.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iam/common/crypto.h"
#include "iam/common/random.h"
#include "iam/common/text.h"

namespace iam::bench {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

std::string Unescape(std::string s) {
  for (const auto& [from, to] :
       {std::pair<const char*, const char*>{"&amp;", "&"}, {"&#x2F;", "/"}, {"&#x3D;", "="}}) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at)) {
      s.replace(at, std::strlen(from), to);
      at += std::strlen(to);
    }
  }
  return s;
}

// One browser on one keep-alive connection: its cookies, and requests.
class Browser {
 public:
  Browser(boost::asio::io_context& ioc, const CodeFlowOptions& o) : o_(o), stream_(ioc) {
    tcp::resolver resolver(ioc);
    stream_.connect(resolver.resolve(o.host, std::to_string(o.port)));
  }

  http::response<http::string_body> Call(http::verb verb, const std::string& target,
                                         const std::string& body = "") {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, o_.host);
    req.keep_alive(true);
    std::string cookies;
    for (const auto& [k, v] : cookies_)
      absl::StrAppend(&cookies, cookies.empty() ? "" : "; ", k, "=", v);
    if (!cookies.empty()) req.set(http::field::cookie, cookies);
    if (verb == http::verb::post) {
      req.set(http::field::content_type, "application/x-www-form-urlencoded");
      req.body() = body;
      req.prepare_payload();
    }
    http::write(stream_, req);
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    for (const auto& f : res.base()) {
      if (f.name() != http::field::set_cookie) continue;
      const std::string v(f.value());
      const size_t eq = v.find('='), semi = v.find(';');
      cookies_[v.substr(0, eq)] = v.substr(eq + 1, semi - eq - 1);
    }
    return res;
  }
  void ForgetCookies() { cookies_.clear(); }

 private:
  const CodeFlowOptions& o_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::map<std::string, std::string> cookies_;
};

using Clock = std::chrono::steady_clock;

// One round: empty string when it ended with tokens, otherwise what went
// wrong. `steps` gains each request's wall time (ns), in order.
std::string Round(Browser& b, const CodeFlowOptions& o, Random& random,
                  std::array<int64_t, kCodeFlowSteps>& steps) {
  auto t = Clock::now();
  auto lap = [&](int i) {
    const auto now = Clock::now();
    steps[i] += std::chrono::duration_cast<std::chrono::nanoseconds>(now - t).count();
    t = now;
  };
  static const std::regex kCsrf(R"re(name="csrf" value="([^"]+)")re");
  static const std::regex kContinue(R"re(id="continue" href="([^"]+)")re");
  b.ForgetCookies();  // a new browser: no single sign-on to ride on
  const std::string verifier = crypto::Base64Url(random.Bytes(32));
  const std::string challenge = crypto::Base64Url(crypto::Sha256(verifier));
  const std::string base = absl::StrCat("/accounts/", o.account_id);
  auto res = b.Call(
      http::verb::get,
      absl::StrCat(
          base, "/oauth2/authorize?response_type=code&client_id=", text::FormEncode(o.client_id),
          "&redirect_uri=", text::FormEncode(o.redirect_uri),
          "&scope=openid&state=s1&code_challenge=", challenge, "&code_challenge_method=S256"));
  lap(0);
  if (res.result_int() != 303) return absl::StrCat("authorize: HTTP ", res.result_int());
  const std::string login(res[http::field::location]);
  res = b.Call(http::verb::get, login);
  lap(1);
  std::smatch m;
  if (res.result_int() != 200 || !std::regex_search(res.body(), m, kCsrf)) {
    return absl::StrCat("login page: HTTP ", res.result_int());
  }
  res = b.Call(http::verb::post, login,
               absl::StrCat("csrf=", text::FormEncode(Unescape(m[1])),
                            "&username=", text::FormEncode(o.username),
                            "&password=", text::FormEncode(o.password)));
  lap(2);
  if (res.result_int() == 200 && std::regex_search(res.body(), m, kContinue)) {
    res = b.Call(http::verb::get, Unescape(m[1]));
  }
  lap(3);
  if (res.result_int() != 303) return absl::StrCat("login: HTTP ", res.result_int());
  const std::string back(res[http::field::location]);
  const size_t at = back.find("code=");
  if (at == std::string::npos) return "login: no code in " + back.substr(0, 200);
  const std::string code = back.substr(at + 5, back.find('&', at) - at - 5);
  res =
      b.Call(http::verb::post, base + "/oauth2/token",
             absl::StrCat("grant_type=authorization_code&client_id=", text::FormEncode(o.client_id),
                          "&code=", code, "&redirect_uri=", text::FormEncode(o.redirect_uri),
                          "&code_verifier=", verifier));
  lap(4);
  if (res.result_int() != 200 || res.body().find("\"id_token\"") == std::string::npos) {
    return absl::StrCat("token: HTTP ", res.result_int(), " ", res.body().substr(0, 200));
  }
  return "";
}

// Sums of the service's HTTP handler time (the /metrics route excluded)
// and Argon2 time, in seconds, as its /metrics says now.
struct ServiceTime {
  double handlers = 0;
  double hashes = 0;
};

std::optional<ServiceTime> ScrapeServiceTime(boost::asio::io_context& ioc,
                                             const CodeFlowOptions& o) {
  try {
    Browser b(ioc, o);
    const auto res = b.Call(http::verb::get, "/metrics");
    if (res.result_int() != 200) return std::nullopt;
    ServiceTime t;
    for (absl::string_view line : absl::StrSplit(res.body(), '\n')) {
      const size_t space = line.rfind(' ');
      double v = 0;
      if (space == absl::string_view::npos || !absl::SimpleAtod(line.substr(space + 1), &v)) {
        continue;
      }
      if (absl::StartsWith(line, "iam_http_handler_seconds_sum{") &&
          !absl::StrContains(line, "route=\"/metrics\"")) {
        t.handlers += v;
      } else if (absl::StartsWith(line, "iam_password_hash_seconds_sum ")) {
        t.hashes = v;
      }
    }
    return t;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

CodeFlowResult RunCodeFlow(const CodeFlowOptions& o) {
  CodeFlowResult out;
  std::mutex mu;
  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < o.workers; ++w) {
    threads.emplace_back([&] {
      boost::asio::io_context ioc;
      CryptoRandom random;
      std::vector<int64_t> latencies;
      std::array<int64_t, kCodeFlowSteps> steps{};
      int64_t failed = 0;
      std::string first_failure;
      try {
        Browser b(ioc, o);
        while (!stop.load()) {
          const bool counted = measuring.load();
          const auto start = std::chrono::steady_clock::now();
          std::array<int64_t, kCodeFlowSteps> round{};
          std::string why = Round(b, o, random, round);
          const auto took = std::chrono::steady_clock::now() - start;
          if (!counted || stop.load()) continue;
          for (int i = 0; i < kCodeFlowSteps; ++i) steps[i] += round[i];
          latencies.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count());
          if (!why.empty()) {
            ++failed;
            if (first_failure.empty()) first_failure = why;
          }
        }
      } catch (const std::exception& e) {
        ++failed;
        first_failure = e.what();
      }
      std::lock_guard<std::mutex> lock(mu);
      out.latency_ns.insert(out.latency_ns.end(), latencies.begin(), latencies.end());
      for (int i = 0; i < kCodeFlowSteps; ++i) out.step_ns[i] += steps[i];
      out.completed += static_cast<int64_t>(latencies.size());
      out.failed += failed;
      if (out.first_failure.empty()) out.first_failure = first_failure;
    });
  }
  std::this_thread::sleep_for(absl::ToChronoMilliseconds(o.warmup));
  boost::asio::io_context ioc;
  const auto before = ScrapeServiceTime(ioc, o);
  measuring.store(true);
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(absl::ToChronoMilliseconds(o.duration));
  stop.store(true);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Rounds in flight at either edge blur the window by at most one round
  // per worker, among thousands.
  const auto after = ScrapeServiceTime(ioc, o);
  for (auto& t : threads) t.join();
  if (before && after) {
    out.handler_seconds = after->handlers - before->handlers;
    out.hash_seconds = after->hashes - before->hashes;
  }
  std::sort(out.latency_ns.begin(), out.latency_ns.end());
  return out;
}

}  // namespace iam::bench
