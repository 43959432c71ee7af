#include "iam/cli/context.h"

#include <fcntl.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "iam/cli/advice.h"
#include "iam/common/status_macros.h"

namespace iam::cli {
namespace {

using Profiles = std::map<std::string, std::map<std::string, std::string>>;

Profiles ReadProfiles(const std::string& path) {
  Profiles out;
  std::ifstream in(path);
  std::string line, section = "default";
  while (std::getline(in, line)) {
    absl::string_view l = absl::StripAsciiWhitespace(line);
    if (l.empty() || l[0] == '#' || l[0] == ';') continue;
    if (l.front() == '[' && l.back() == ']') {
      section = std::string(absl::StripAsciiWhitespace(l.substr(1, l.size() - 2)));
      continue;
    }
    const size_t eq = l.find('=');
    if (eq == absl::string_view::npos) continue;
    out[section][std::string(absl::StripAsciiWhitespace(l.substr(0, eq)))] =
        std::string(absl::StripAsciiWhitespace(l.substr(eq + 1)));
  }
  return out;
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

}  // namespace

std::string ProfilePath() {
  if (const char* p = Env("IAMCTL_CONFIG")) return p;
  const char* home = Env("HOME");
  return absl::StrCat(home ? home : ".", "/.config/iamctl/config");
}

absl::Status SaveProfile(const std::string& profile, const std::string& address,
                         const std::string& access_key) {
  return UpdateProfile(profile, {{"address", address}, {"access_key", access_key}}, {});
}

std::map<std::string, std::map<std::string, std::string>> AllProfiles() {
  return ReadProfiles(ProfilePath());
}

std::string ProfileValue(const std::string& profile, const std::string& key) {
  Profiles profiles = ReadProfiles(ProfilePath());
  auto p = profiles.find(profile);
  if (p == profiles.end()) return "";
  auto v = p->second.find(key);
  return v == p->second.end() ? "" : v->second;
}

absl::Status UpdateProfile(const std::string& profile,
                           const std::map<std::string, std::string>& set,
                           const std::vector<std::string>& erase) {
  const std::string path = ProfilePath();
  Profiles profiles = ReadProfiles(path);
  for (const auto& [k, v] : set) profiles[profile][k] = v;
  for (const auto& k : erase) profiles[profile].erase(k);
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos) {
    // mkdir -p of the directory, private to this user.
    for (size_t i = 1; i <= slash; ++i) {
      if (i == slash || path[i] == '/') ::mkdir(path.substr(0, i).c_str(), 0700);
    }
  }
  std::ostringstream text;
  for (const auto& [name, kv] : profiles) {
    text << "[" << name << "]\n";
    for (const auto& [k, v] : kv) text << k << " = " << v << "\n";
    text << "\n";
  }
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  const std::string s = text.str();
  const bool ok = ::write(fd, s.data(), s.size()) == static_cast<ssize_t>(s.size());
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

absl::Status Context::Init() {
  Profiles profiles = ReadProfiles(ProfilePath());
  const auto& p = profiles[options_.profile];
  auto from_profile = [&](const char* key) {
    auto it = p.find(key);
    return it == p.end() ? std::string() : it->second;
  };
  for (const auto& [name, unused] : profiles) {
    if (name != options_.profile) profiles_.push_back(name);
  }
  profile_found_ = profiles.count(options_.profile) > 0 && !p.empty();
  if (profile_found_) profiles_.push_back(options_.profile);
  std::sort(profiles_.begin(), profiles_.end());
  const std::string profile_words = absl::StrCat("profile \"", options_.profile, "\"");
  address_ = options_.address;
  address_source_ = "--address";
  if (address_.empty() && Env("IAMCTL_ADDRESS")) {
    address_ = Env("IAMCTL_ADDRESS");
    address_source_ = "IAMCTL_ADDRESS";
  }
  if (address_.empty()) {
    address_ = from_profile("address");
    address_source_ = profile_words;
  }
  if (address_.empty()) {
    address_ = "127.0.0.1:50051";
    address_source_ = "the default";
  }
  RETURN_IF_ERROR(CheckAddress(address_, address_source_));

  if (!options_.access_key_file.empty()) {
    access_key_ = ReadFirstLine(options_.access_key_file);
    if (access_key_.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--access-key-file: cannot read a key from ", options_.access_key_file));
    }
    credential_source_ = absl::StrCat("--access-key-file ", options_.access_key_file);
  } else if (const char* k = Env("IAMCTL_ACCESS_KEY")) {
    access_key_ = k;
    credential_source_ = "IAMCTL_ACCESS_KEY";
  } else if (!from_profile("access_token").empty()) {
    // A session from `iamctl login` is preferred to the profile's key.
    access_key_ = from_profile("access_token");
    refresh_token_ = from_profile("refresh_token");
    absl::SimpleAtoi(from_profile("token_expires"), &token_expires_);
    credential_source_ = absl::StrCat("the login session of ", profile_words);
  } else {
    access_key_ = from_profile("access_key");
    if (!access_key_.empty()) credential_source_ = absl::StrCat("the access key of ", profile_words);
  }

  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (options_.tls || !options_.ca_file.empty()) {
    grpc::SslCredentialsOptions ssl;
    if (!options_.ca_file.empty()) {
      std::ifstream in(options_.ca_file);
      if (!in) return absl::InvalidArgumentError("--ca-file: cannot read it");
      std::stringstream ss;
      ss << in.rdbuf();
      ssl.pem_root_certs = ss.str();
    }
    creds = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  args.SetUserAgentPrefix("iamctl/0.1");
  // A fixed flow-control window: a streamed export then holds at most that
  // much unread data, instead of a window grown by bandwidth probing.
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  auto channel = grpc::CreateCustomChannel(address_, creds, args);
  stub_ = v1::AdminService::NewStub(channel);
  auth_stub_ = v1::AuthService::NewStub(channel);
  authz_stub_ = v1::AuthzService::NewStub(channel);
  audit_stub_ = v1::AuditService::NewStub(channel);
  RefreshIfDue();
  return absl::OkStatus();
}

void Context::RefreshIfDue() {
  if (refresh_token_.empty()) return;
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  if (token_expires_ - now > 30) return;
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(options_.timeout_seconds));
  v1::RefreshRequest req;
  req.set_refresh_token(refresh_token_);
  v1::TokenResponse resp;
  if (auth_stub_->Refresh(&call, req, &resp).ok()) {
    SaveTokens(resp.tokens()).IgnoreError();
  }
  // A failed refresh leaves the old token: the call then says why.
}

absl::Status Context::SaveTokens(const v1::Tokens& t) {
  access_key_ = t.access_token();
  refresh_token_ = t.refresh_token();
  token_expires_ = t.access_token_expire_time().seconds();
  return UpdateProfile(options_.profile,
                       {{"address", address_},
                        {"access_token", access_key_},
                        {"refresh_token", refresh_token_},
                        {"token_expires", absl::StrCat(token_expires_)}},
                       {});
}

absl::Status Context::ForgetTokens() {
  refresh_token_.clear();
  return UpdateProfile(options_.profile, {}, {"access_token", "refresh_token", "token_expires"});
}

std::unique_ptr<grpc::ClientContext> Context::NewCall() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(options_.timeout_seconds));
  if (!access_key_.empty()) ctx->AddMetadata("authorization", "Bearer " + access_key_);
  return ctx;
}

namespace {

const char* CodeName(int code) {
  static const char* kNames[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}

}  // namespace

int Fail(const grpc::Status& status) {
  std::cerr << "iamctl: " << CodeName(status.error_code()) << ": " << status.error_message()
            << "\n";
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ? 3 : 1;
}

int Fail(const Context& context, const grpc::Status& status) {
  const int code = Fail(status);
  const std::string advice = Advice(context, status);
  if (!advice.empty()) std::cerr << "iamctl: " << advice << "\n";
  return code;
}

int Fail(const absl::Status& status) {
  std::cerr << "iamctl: " << CodeName(static_cast<int>(status.code())) << ": " << status.message()
            << "\n";
  return 2;
}

}  // namespace iam::cli
