// What every iamctl command needs: the connection (address, TLS), the
// credentials (from IAMCTL_ACCESS_KEY, --access-key-file or the profile file,
// never from argv) and the output format. Single-threaded.
#ifndef IAM_CLI_CONTEXT_H_
#define IAM_CLI_CONTEXT_H_

#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include <map>
#include <vector>

#include "iam/v1/admin_service.grpc.pb.h"
#include "iam/v1/auth_service.grpc.pb.h"
#include "iam/v1/audit_service.grpc.pb.h"
#include "iam/v1/authz_service.grpc.pb.h"

namespace iam::cli {

struct Options {
  std::string address;
  std::string profile = "default";
  std::string access_key_file;
  std::string output = "table";  // table | json
  bool tls = false;
  std::string ca_file;
  int timeout_seconds = 30;
};

// ~/.config/iamctl/config (or $IAMCTL_CONFIG): INI sections per profile with
// `address`, `access_key`, and after `iamctl login` the session's
// `access_token`, `refresh_token` and `token_expires` (Unix seconds).
std::string ProfilePath();
// Writes (creating with mode 0600) the profile's address and key.
absl::Status SaveProfile(const std::string& profile, const std::string& address,
                         const std::string& access_key);
// One value of a profile ("" when absent).
std::string ProfileValue(const std::string& profile, const std::string& key);
// Every profile of the file, by name, with its keys and values.
std::map<std::string, std::map<std::string, std::string>> AllProfiles();
// Sets and removes keys of one profile, leaving the others as they are.
absl::Status UpdateProfile(const std::string& profile,
                           const std::map<std::string, std::string>& set,
                           const std::vector<std::string>& erase);

class Context {
 public:
  explicit Context(Options options) : options_(std::move(options)) {}

  // Resolves address and key; UNAUTHENTICATED-free: a missing key is only
  // reported when a call needs one.
  absl::Status Init();

  v1::AdminService::Stub& admin() { return *stub_; }
  v1::AuthService::Stub& auth() { return *auth_stub_; }
  v1::AuthzService::Stub& authz() { return *authz_stub_; }
  v1::AuditService::Stub& audit() { return *audit_stub_; }
  // Keeps the logged-in session's tokens (after login or a refresh).
  absl::Status SaveTokens(const v1::Tokens& tokens);
  absl::Status ForgetTokens();
  std::unique_ptr<grpc::ClientContext> NewCall() const;
  const Options& options() const { return options_; }
  bool json() const { return options_.output == "json"; }
  const std::string& address() const { return address_; }

  // Where the address and the credential came from, in words, for error
  // messages: "--address", "profile \"prod\"", "the default"...; the
  // credential's source is "" when there is none.
  const std::string& address_source() const { return address_source_; }
  const std::string& credential_source() const { return credential_source_; }
  // The profiles the profile file holds, and whether the chosen one is
  // among them.
  const std::vector<std::string>& profiles() const { return profiles_; }
  bool profile_found() const { return profile_found_; }

 private:
  Options options_;
  std::string address_;
  std::string address_source_;
  std::string credential_source_;
  std::vector<std::string> profiles_;
  bool profile_found_ = false;
  std::string access_key_;    // "<key id>.<secret>" or an access token
  std::string refresh_token_;  // when access_key_ is a session's token
  int64_t token_expires_ = 0;
  std::unique_ptr<v1::AdminService::Stub> stub_;
  std::unique_ptr<v1::AuthService::Stub> auth_stub_;
  std::unique_ptr<v1::AuthzService::Stub> authz_stub_;
  std::unique_ptr<v1::AuditService::Stub> audit_stub_;

  // Refreshes the session's access token when it is about to expire.
  void RefreshIfDue();
};

// Prints "iamctl: <code>: <message>" and returns the exit code for it.
int Fail(const grpc::Status& status);
int Fail(const absl::Status& status);
// The same, followed by what the caller can do about it (advice.h).
int Fail(const Context& context, const grpc::Status& status);

}  // namespace iam::cli

#endif  // IAM_CLI_CONTEXT_H_
