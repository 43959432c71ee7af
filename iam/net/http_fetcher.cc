#include "iam/net/http_fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sys/socket.h>

#include <array>
#include <memory>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "iam/common/cidr.h"

namespace iam::net {
namespace {

// Destinations a fetch on behalf of a client must not reach by default:
// the service's own host and networks, and what no public server uses.
// (IPv4-mapped IPv6 addresses are read as IPv4, so they meet these too.)
constexpr std::array kPrivateNetworks = {
    "0.0.0.0/8",     "10.0.0.0/8",      "100.64.0.0/10",  "127.0.0.0/8",   "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24",    "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/3",
    "::/128",        "::1/128",         "fc00::/7",       "fe80::/10",
    "ff00::/8",      "2001:db8::/32",   "100::/64",
};

const std::vector<Cidr>& PrivateNetworks() {
  static const auto* nets = [] {
    auto* v = new std::vector<Cidr>();
    for (const char* n : kPrivateNetworks) v->push_back(*Cidr::Parse(n));
    return v;
  }();
  return *nets;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  const HttpFetcherOptions* options = nullptr;
  std::string body;
  bool too_large = false;
  std::string refused_address;  // set when a destination was refused
};

size_t OnData(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  if (t->body.size() + bytes > t->options->max_response_bytes) {
    t->too_large = true;
    return 0;  // curl ends the transfer with CURLE_WRITE_ERROR
  }
  t->body.append(data, bytes);
  return bytes;
}

// Called for every address curl is about to connect to, after name
// resolution: the one place a destination can be judged reliably.
curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  char text[INET6_ADDRSTRLEN] = {};
  if (address->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, text,
              sizeof text);
  } else if (address->family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr, text,
              sizeof text);
  } else {
    return CURL_SOCKET_BAD;
  }
  if (!t->options->allow_private_networks && IsPrivateDestination(text)) {
    t->refused_address = text;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::string UrlPart(CURLU* url, CURLUPart part) {
  char* v = nullptr;
  if (curl_url_get(url, part, &v, 0) != CURLUE_OK || v == nullptr) return "";
  std::string out(v);
  curl_free(v);
  return out;
}

bool IsLoopbackName(absl::string_view host) {
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  absl::ConsumePrefix(&host, "[");
  absl::ConsumeSuffix(&host, "]");
  auto ip = IpAddress::Parse(host);
  return ip && (Cidr::Parse("127.0.0.0/8")->Contains(*ip) || Cidr::Parse("::1/128")->Contains(*ip));
}

std::string HeaderValue(CURL* c, const char* name) {
  curl_header* h = nullptr;
  if (curl_easy_header(c, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || h == nullptr) return "";
  return h->value;
}

}  // namespace

bool IsPrivateDestination(absl::string_view address) {
  auto ip = IpAddress::Parse(address);
  if (!ip) return true;  // what cannot be judged is not reached
  for (const Cidr& net : PrivateNetworks()) {
    if (net.Contains(*ip)) return true;
  }
  return false;
}

HttpFetcher::HttpFetcher(HttpFetcherOptions options) : options_(std::move(options)) {
  GlobalInit();
}

absl::StatusOr<FetchResponse> HttpFetcher::Fetch(const FetchRequest& request) const {
  if (request.method != "GET" && request.method != "POST") {
    return absl::InvalidArgumentError("only GET and POST are fetched");
  }
  std::unique_ptr<CURLU, CurlDeleter> url(curl_url());
  if (url == nullptr) return absl::ResourceExhaustedError("out of memory");
  if (request.url.size() > 2048 ||
      curl_url_set(url.get(), CURLUPART_URL, request.url.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError("not an absolute URL");
  }
  const std::string scheme = absl::AsciiStrToLower(UrlPart(url.get(), CURLUPART_SCHEME));
  const std::string host = UrlPart(url.get(), CURLUPART_HOST);
  if (!UrlPart(url.get(), CURLUPART_USER).empty() ||
      !UrlPart(url.get(), CURLUPART_PASSWORD).empty()) {
    return absl::InvalidArgumentError("a URL with credentials in it is not fetched");
  }
  if (scheme != "https" && !(scheme == "http" && IsLoopbackName(host))) {
    return absl::InvalidArgumentError(
        absl::StrCat("only https is fetched (http to a loopback host), not ", scheme));
  }

  std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
  if (c == nullptr) return absl::ResourceExhaustedError("out of memory");
  Transfer t;
  t.options = &options_;
  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) {
    // Appending keeps the head; a failure leaves the list as it was.
    curl_slist* head = curl_slist_append(list, absl::StrCat(name, ": ", value).c_str());
    if (head == nullptr) {
      curl_slist_free_all(list);
      return absl::ResourceExhaustedError("out of memory");
    }
    list = head;
  }
  std::unique_ptr<curl_slist, CurlDeleter> headers(list);
  const long timeout_ms = static_cast<long>(absl::ToInt64Milliseconds(options_.timeout));
  CURL* h = c.get();
  curl_easy_setopt(h, CURLOPT_CURLU, url.get());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_response_bytes));
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "iamd");
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnData);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &t);
  if (headers) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode rc = curl_easy_perform(h);
  if (!t.refused_address.empty()) {
    return absl::PermissionDeniedError(absl::StrCat(
        host, " resolves to ", t.refused_address,
        ", a private or reserved address that this server does not fetch from"));
  }
  if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the answer from ", host, " is larger than ", options_.max_response_bytes,
                     " bytes"));
  }
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(host, ": ", curl_easy_strerror(rc)));
  }
  FetchResponse out;
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  out.status = static_cast<int>(status);
  out.body = std::move(t.body);
  out.content_type = HeaderValue(h, "Content-Type");
  out.cache_control = HeaderValue(h, "Cache-Control");
  return out;
}

}  // namespace iam::net
