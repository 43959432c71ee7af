#include "iam/store/mysql/mysql_url.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "iam/common/status_macros.h"

namespace iam::store::mysql {
namespace {

absl::StatusOr<std::string> PercentDecode(absl::string_view s, absl::string_view what) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    int v = 0;
    if (i + 2 >= s.size() || !absl::SimpleHexAtoi(s.substr(i + 1, 2), &v)) {
      return absl::InvalidArgumentError(std::string("mysql url: bad escape in ") + std::string(what));
    }
    out.push_back(static_cast<char>(v));
    i += 2;
  }
  return out;
}

absl::StatusOr<MysqlHost> ParseHostPort(absl::string_view hostport) {
  MysqlHost h;
  // A port follows the last ':' unless that colon is inside "[v6 address]".
  const size_t colon = hostport.rfind(':');
  const size_t bracket = hostport.rfind(']');
  if (colon != absl::string_view::npos &&
      (bracket == absl::string_view::npos || colon == bracket + 1)) {
    if (!absl::SimpleAtoi(hostport.substr(colon + 1), &h.port) || h.port <= 0 || h.port > 65535) {
      return absl::InvalidArgumentError("mysql url: bad port");
    }
    hostport = hostport.substr(0, colon);
  }
  if (hostport.size() >= 2 && hostport.front() == '[' && hostport.back() == ']') {
    hostport = hostport.substr(1, hostport.size() - 2);
  }
  if (hostport.empty()) return absl::InvalidArgumentError("mysql url: a host is missing");
  h.host = std::string(hostport);
  return h;
}

}  // namespace

absl::StatusOr<MysqlOptions> ParseMysqlUrl(absl::string_view url) {
  constexpr absl::string_view kScheme = "mysql://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return absl::InvalidArgumentError("mysql url: must start with mysql://");
  }
  absl::string_view rest = url.substr(kScheme.size());
  MysqlOptions o;
  const size_t q = rest.find('?');
  absl::string_view query = q == absl::string_view::npos ? "" : rest.substr(q + 1);
  rest = rest.substr(0, q);
  const size_t at = rest.rfind('@');
  if (at != absl::string_view::npos) {
    absl::string_view userinfo = rest.substr(0, at);
    const size_t colon = userinfo.find(':');
    ASSIGN_OR_RETURN(o.user, PercentDecode(userinfo.substr(0, colon), "user"));
    if (colon != absl::string_view::npos) {
      ASSIGN_OR_RETURN(o.password, PercentDecode(userinfo.substr(colon + 1), "password"));
    }
    rest = rest.substr(at + 1);
  }
  const size_t slash = rest.find('/');
  if (slash == absl::string_view::npos || slash + 1 >= rest.size()) {
    return absl::InvalidArgumentError("mysql url: the database name is missing");
  }
  o.database = std::string(rest.substr(slash + 1));
  for (char c : o.database) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$')) {
      return absl::InvalidArgumentError("mysql url: database name must be [A-Za-z0-9_$]");
    }
  }
  absl::string_view hostlist = rest.substr(0, slash);
  for (absl::string_view hostport : absl::StrSplit(hostlist, ',')) {
    ASSIGN_OR_RETURN(MysqlHost h, ParseHostPort(hostport));
    o.hosts.push_back(std::move(h));
  }
  if (o.hosts.size() > 16) return absl::InvalidArgumentError("mysql url: at most 16 hosts");
  std::optional<absl::string_view> read_host;
  for (absl::string_view kv : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
    if (p.first == "pool") {
      if (!absl::SimpleAtoi(p.second, &o.pool_size) || o.pool_size < 1 || o.pool_size > 256) {
        return absl::InvalidArgumentError("mysql url: pool must be 1 to 256");
      }
    } else if (p.first == "connect_timeout") {
      if (!absl::SimpleAtoi(p.second, &o.connect_timeout_seconds) ||
          o.connect_timeout_seconds < 1) {
        return absl::InvalidArgumentError("mysql url: bad connect_timeout");
      }
    } else if (p.first == "host_retry_ms") {
      if (!absl::SimpleAtoi(p.second, &o.host_retry_ms) || o.host_retry_ms < 100 ||
          o.host_retry_ms > 600000) {
        return absl::InvalidArgumentError("mysql url: host_retry_ms must be 100 to 600000");
      }
    } else if (p.first == "read_host") {
      read_host = p.second;
    } else {
      return absl::InvalidArgumentError("mysql url: unknown parameter");
    }
  }
  if (read_host) {
    ASSIGN_OR_RETURN(MysqlHost r, ParseHostPort(*read_host));
    auto it = std::find_if(o.hosts.begin(), o.hosts.end(), [&](const MysqlHost& h) {
      return h.host == r.host && h.port == r.port;
    });
    if (it == o.hosts.end()) {
      return absl::InvalidArgumentError("mysql url: read_host must be one of the hosts");
    }
    o.read_host = static_cast<int>(it - o.hosts.begin());
  }
  return o;
}

}  // namespace iam::store::mysql
