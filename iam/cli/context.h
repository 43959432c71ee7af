// What every iamctl command needs: the connection (address, TLS), the
// credentials (from IAMCTL_ACCESS_KEY, --access-key-file or the profile file,
// never from argv) and the output format. Single-threaded.
#ifndef IAM_CLI_CONTEXT_H_
#define IAM_CLI_CONTEXT_H_

#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "iam/v1/admin_service.grpc.pb.h"

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
// `address` and `access_key`.
std::string ProfilePath();
// Writes (creating with mode 0600) the profile's address and key.
absl::Status SaveProfile(const std::string& profile, const std::string& address,
                         const std::string& access_key);

class Context {
 public:
  explicit Context(Options options) : options_(std::move(options)) {}

  // Resolves address and key; UNAUTHENTICATED-free: a missing key is only
  // reported when a call needs one.
  absl::Status Init();

  v1::AdminService::Stub& admin() { return *stub_; }
  std::unique_ptr<grpc::ClientContext> NewCall() const;
  const Options& options() const { return options_; }
  bool json() const { return options_.output == "json"; }
  const std::string& address() const { return address_; }

 private:
  Options options_;
  std::string address_;
  std::string access_key_;
  std::unique_ptr<v1::AdminService::Stub> stub_;
};

// Prints "iamctl: <code>: <message>" and returns the exit code for it.
int Fail(const grpc::Status& status);
int Fail(const absl::Status& status);

}  // namespace iam::cli

#endif  // IAM_CLI_CONTEXT_H_
