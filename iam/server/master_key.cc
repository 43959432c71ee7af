#include "iam/server/master_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"
#include "iam/common/log.h"

namespace iam::server {

absl::StatusOr<std::string> DecodeMasterKey(const std::string& text) {
  const std::string t(absl::StripAsciiWhitespace(text));
  if (t.size() == 64) {
    auto raw = crypto::FromHex(t);
    if (raw.ok()) return *raw;
  }
  auto raw = crypto::FromBase64(t);
  if (!raw.ok() || raw->size() != crypto::kAes256KeyBytes) {
    raw = crypto::FromBase64Url(t);
  }
  if (!raw.ok() || raw->size() != crypto::kAes256KeyBytes) {
    return absl::InvalidArgumentError("master key: must be 32 bytes in base64 or 64 hex digits");
  }
  return *raw;
}

absl::StatusOr<std::string> LoadMasterKey(const Config& config, bool embedded_store,
                                          Random& random) {
  if (!config.master_key.empty()) return DecodeMasterKey(config.master_key);
  std::string path = config.master_key_file;
  if (path.empty()) {
    if (!embedded_store) {
      return absl::FailedPreconditionError(
          "a master key is required with a shared store: set IAM_MASTER_KEY or "
          "master_key_file to the same 32-byte key on every replica");
    }
    path = config.data_dir + "/master.key";
  }
  std::ifstream in(path);
  if (in) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      log::Warn("master key file is readable by group or others; chmod 600 it",
                {{"path", path}});
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return DecodeMasterKey(ss.str());
  }
  if (!embedded_store && !config.master_key_file.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("master key file ", path, " is missing"));
  }
  // First start of the embedded mode: make one, readable by this user only.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot create the master key file ", path));
  }
  const std::string text = crypto::Base64(random.Bytes(crypto::kAes256KeyBytes)) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  log::Info("generated a new master key; back it up: without it personal data cannot be read",
            {{"path", path}});
  return DecodeMasterKey(text);
}

}  // namespace iam::server
