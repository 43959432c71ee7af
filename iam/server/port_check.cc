#include "iam/server/port_check.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace iam::server {

absl::Status CheckPortFree(const std::string& listen, const std::string& what) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(what, " listen address: host:port"));
  }
  std::string host = listen.substr(0, colon);
  int port = 0;
  if (!absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(what, " listen address: bad port"));
  }
  if (port == 0) return absl::OkStatus();
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  // Names that do not resolve are left to the listener, which says so.
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), listen.substr(colon + 1).c_str(),
                    &hints, &found) != 0) {
    return absl::OkStatus();
  }
  absl::Status result = absl::OkStatus();
  for (addrinfo* a = found; a != nullptr && result.ok(); a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    // SO_REUSEADDR only: a socket in TIME_WAIT does not count, a listener does.
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 && errno == EADDRINUSE) {
      result = absl::UnavailableError(
          absl::StrCat("cannot listen on ", listen, " (", what,
                       "): the address is in use (is another iamd running?)"));
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return result;
}

}  // namespace iam::server
