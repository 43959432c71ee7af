// The master key that seals personal data (and, later, signing keys) at rest.
// Read from IAM_MASTER_KEY or a file (base64 or hex, 32 bytes); with the
// embedded store and none configured, generated once under the data
// directory with mode 0600. Every replica sharing a MySQL store must be given
// the same key, so there it is never generated.
#ifndef IAM_SERVER_MASTER_KEY_H_
#define IAM_SERVER_MASTER_KEY_H_

#include <string>

#include "absl/status/statusor.h"
#include "iam/common/config.h"
#include "iam/common/random.h"

namespace iam::server {

// FAILED_PRECONDITION when no key is configured for a shared store;
// INVALID_ARGUMENT for a key that is not 32 bytes in base64 or hex. Messages
// never contain key material.
absl::StatusOr<std::string> LoadMasterKey(const Config& config, bool embedded_store,
                                          Random& random);

absl::StatusOr<std::string> DecodeMasterKey(const std::string& text);

}  // namespace iam::server

#endif  // IAM_SERVER_MASTER_KEY_H_
