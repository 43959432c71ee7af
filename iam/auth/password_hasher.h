// PasswordHasher: Argon2id through the reference library, stored as the
// standard PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash). Hashing
// and verifying run on a bounded WorkerPool so that a flood of logins is
// refused (RESOURCE_EXHAUSTED) instead of queueing without bound.
// Thread-safe; the Random must outlive the hasher.
#ifndef IAM_AUTH_PASSWORD_HASHER_H_
#define IAM_AUTH_PASSWORD_HASHER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/common/random.h"
#include "iam/common/worker_pool.h"

namespace iam::auth {

struct Argon2Params {
  uint32_t memory_kib = 19 * 1024;  // OWASP's minimum for Argon2id
  uint32_t iterations = 2;
  uint32_t parallelism = 1;
};

struct VerifyOutcome {
  bool match = false;
  // The stored hash used other parameters than the current ones: store a
  // fresh hash now that the password is known.
  bool needs_rehash = false;
};

class PasswordHasher {
 public:
  PasswordHasher(const Argon2Params& params, Random* random, int threads, int queue_capacity);

  // A PHC string with a fresh 16-byte salt.
  absl::StatusOr<std::string> Hash(absl::string_view password);
  // A malformed stored hash is a mismatch, never an error that tells more.
  absl::StatusOr<VerifyOutcome> Verify(absl::string_view password, absl::string_view phc);
  // The same work as Verify against a real hash, for unknown users, so that
  // timing does not reveal whether a username exists.
  absl::Status VerifyDummy(absl::string_view password);

  // Direct calls on the current thread (benchmarks measure the raw rate).
  std::string HashNow(absl::string_view password);
  VerifyOutcome VerifyNow(absl::string_view password, absl::string_view phc) const;

  const Argon2Params& params() const { return params_; }
  // Argon2 runs done and refused on the pool (the direct calls not counted).
  WorkerPoolStats stats() const { return pool_.stats(); }
  // How long each hash or verification ran.
  const LatencyHistogram& run_times() const { return pool_.run_times(); }

 private:
  Argon2Params params_;
  Random* random_;
  std::string dummy_;
  WorkerPool pool_;
};

// The parameters written in a PHC string; false when it is not Argon2id.
bool ParsePhcParams(absl::string_view phc, Argon2Params* out);

}  // namespace iam::auth

#endif  // IAM_AUTH_PASSWORD_HASHER_H_
