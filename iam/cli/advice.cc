#include "iam/cli/advice.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iam/cli/context.h"

namespace iam::cli {
namespace {

constexpr char kAddressShape[] =
    "the address is host:port of iamd's gRPC listener (default 127.0.0.1:50051); its HTTP "
    "listener (default port 8080) serves browsers and OAuth clients, not iamctl";

std::string NoCredential(const Context& c) {
  std::string profile;
  if (!c.profile_found()) {
    profile = absl::StrCat("profile \"", c.options().profile, "\" is not in ", ProfilePath());
    if (!c.profiles().empty()) {
      absl::StrAppend(&profile, " (profiles there: ", absl::StrJoin(c.profiles(), ", "), ")");
    }
  } else {
    profile = absl::StrCat("profile \"", c.options().profile,
                           "\" has no access key and no login session (logged out?)");
  }
  return absl::StrCat(
      "no credential was sent: --access-key-file was not given, IAMCTL_ACCESS_KEY is not set, "
      "and ", profile,
      ". Give one: `iamctl login --account <account> --username <user>`, "
      "IAMCTL_ACCESS_KEY=<key id>.<secret>, "
      "or --access-key-file <file> (the first admin's key is in iam-data/admin.key)");
}

}  // namespace

absl::Status CheckAddress(const std::string& address, const std::string& source) {
  // gRPC's own target syntax (dns:///host:port, unix:/path, ipv4:...) is
  // for those who know it: passed on as it is.
  for (const char* scheme : {"dns:", "unix:", "unix-abstract:", "ipv4:", "ipv6:"}) {
    if (absl::StartsWith(address, scheme)) return absl::OkStatus();
  }
  const bool url = absl::StrContains(address, "://");
  const size_t colon = address.rfind(':');
  int port = 0;
  const bool has_port = colon != std::string::npos && colon > 0 &&
                        absl::SimpleAtoi(address.substr(colon + 1), &port) && port > 0 &&
                        port < 65536;
  if (url || absl::StrContains(address, "/") || !has_port) {
    return absl::InvalidArgumentError(absl::StrCat("address \"", address, "\" (from ", source,
                                                   "): ", kAddressShape));
  }
  return absl::OkStatus();
}

std::string Advice(const Context& c, const grpc::Status& status) {
  const std::string& message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAUTHENTICATED:
      if (c.credential_source().empty()) return NoCredential(c);
      return absl::StrCat("the credential came from ", c.credential_source(),
                          ": a key may be deleted or inactive, a session ended or expired. Log in "
                          "again (`iamctl login`) or give another key");
    case grpc::StatusCode::UNAVAILABLE:
      if (absl::StrContains(message, "http1") || absl::StrContains(message, "HTTP/1")) {
        return absl::StrCat(c.address(), " (from ", c.address_source(),
                            ") answers HTTP/1.x, not gRPC: ", kAddressShape);
      }
      if (absl::StrContains(message, "ssl") || absl::StrContains(message, "SSL") ||
          absl::StrContains(message, "handshake")) {
        return absl::StrCat(
            "the TLS handshake with ", c.address(), " failed: --tls and --ca-file must match "
            "the server (tls.cert_file on iamd), and a server without TLS needs neither");
      }
      return absl::StrCat("nothing answered gRPC at ", c.address(), " (from ", c.address_source(),
                          "): is iamd running there? ", kAddressShape);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::StrCat("no answer from ", c.address(), " within --timeout ",
                          c.options().timeout_seconds, " s");
    default:
      return "";
  }
}

}  // namespace iam::cli
