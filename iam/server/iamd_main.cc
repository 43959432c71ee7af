// iamd: the identity and access management service.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "iam/common/config.h"
#include "iam/common/log.h"
#include "iam/server/iam_server.h"
#include "iam/store/open_database.h"

namespace {

// Written beside and renamed into place: whoever waits for the file to
// appear (scripts, tests) never reads it half written.
bool WriteFile0600(const std::string& path, const std::string& content) {
  const std::string partial = path + ".partial";
  ::unlink(partial.c_str());
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const bool ok = ::write(fd, content.data(), content.size()) ==
                  static_cast<ssize_t>(content.size());
  if (::close(fd) != 0 || !ok) return false;
  return ::rename(partial.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's Abseil checks every Mutex acquisition for lock-order cycles,
  // a debugging aid that costs several percent of a Check; the tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto config = iam::LoadConfig(argc, argv, iam::ProcessEnv());
  if (!config.ok()) {
    if (absl::IsCancelled(config.status())) {  // --help, --version
      std::cout << config.status().message();
      return 0;
    }
    std::cerr << "iamd: " << config.status().message() << "\n";
    return 2;
  }
  iam::log::Init(config->log_level, config->log_format);

  // Signals are taken by sigwait below; every thread started after this
  // inherits the mask, so none of them is interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  iam::SystemClock clock;
  iam::CryptoRandom random;
  auto server = iam::server::IamServer::Start(*config, &clock, &random);
  if (!server.ok()) {
    iam::log::Error("iamd failed to start", {{"status", server.status().ToString()}});
    std::cerr << "iamd: " << server.status().message() << "\n";
    return 1;
  }
  auto& s = **server;
  const bool tls = !config->tls_cert_file.empty();
  iam::log::Info("iamd listening",
                 {{"address", s.address()},
                  {"tls", tls ? "on" : "off"},
                  {"store", iam::RedactUrl(config->StoreUrl())},
                  {"system_account", s.bootstrap().account_id}});

  if (s.bootstrap().access_key_token) {
    const std::string& token = *s.bootstrap().access_key_token;
    if (!config->bootstrap_key_file.empty() &&
        !WriteFile0600(config->bootstrap_key_file, token + "\n")) {
      iam::log::Error("cannot write the bootstrap key file",
                      {{"path", config->bootstrap_key_file}});
    }
    // Printed once, to the terminal only: never through the log.
    std::cout << "\n"
              << "  iamd created the system account " << s.bootstrap().account_id
              << " and its first admin '" << s.bootstrap().admin_username << "'.\n"
              << "  Access key (shown once, keep it safe):\n\n"
              << "    " << token << "\n\n"
              << "  Use it with iamctl:\n"
              << "    export IAMCTL_ADDRESS=" << s.address() << "\n";
    if (!config->bootstrap_key_file.empty()) {
      std::cout << "    iamctl --access-key-file " << config->bootstrap_key_file << " whoami\n"
                << "  (the key is also in " << config->bootstrap_key_file << ", mode 0600)\n\n";
    } else {
      std::cout << "    export IAMCTL_ACCESS_KEY='" << token << "'\n"
                << "    iamctl whoami\n\n";
    }
    std::cout << std::flush;
  } else if (!config->bootstrap_key_file.empty()) {
    // A later start: the first admin's key is where the first start left it.
    std::cout << "  The first admin's access key is in " << config->bootstrap_key_file
              << ": iamctl --access-key-file " << config->bootstrap_key_file << " whoami\n";
  }
  std::cout << "iamd listening on " << s.address() << (tls ? " (TLS)" : "") << std::endl;
  std::string http_url;
  if (s.http_port() > 0) {
    const size_t colon = config->http_listen.rfind(':');
    http_url = (config->http_tls_cert_file.empty() ? "http://" : "https://") +
               config->http_listen.substr(0, colon) + ":" + std::to_string(s.http_port());
    std::cout << "JWKS at " << http_url << "/.well-known/jwks.json (issuer " << s.issuer() << ")"
              << std::endl;
    iam::log::Info("http listening", {{"url", http_url}, {"issuer", s.issuer()}});
  }

  // Line 1: the gRPC address; line 2: the HTTP listener's URL (if any).
  if (!config->ready_file.empty() &&
      !WriteFile0600(config->ready_file, s.address() + "\n" + http_url + "\n")) {
    iam::log::Error("cannot write the ready file", {{"path", config->ready_file}});
  }

  int sig = 0;
  sigwait(&signals, &sig);
  iam::log::Info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  s.Shutdown(absl::Seconds(10));
  iam::log::Info("stopped");
  return 0;
}
