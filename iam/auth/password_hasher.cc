#include "iam/auth/password_hasher.h"

#include <argon2.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace iam::auth {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

}  // namespace

bool ParsePhcParams(absl::string_view phc, Argon2Params* out) {
  // $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
  std::vector<absl::string_view> parts = absl::StrSplit(phc, '$');
  if (parts.size() != 6 || !parts[0].empty() || parts[1] != "argon2id" || parts[2] != "v=19") {
    return false;
  }
  Argon2Params p;
  int seen = 0;
  for (absl::string_view kv : absl::StrSplit(parts[3], ',')) {
    uint32_t v = 0;
    if (absl::ConsumePrefix(&kv, "m=") && absl::SimpleAtoi(kv, &v)) {
      p.memory_kib = v, seen |= 1;
    } else if (absl::ConsumePrefix(&kv, "t=") && absl::SimpleAtoi(kv, &v)) {
      p.iterations = v, seen |= 2;
    } else if (absl::ConsumePrefix(&kv, "p=") && absl::SimpleAtoi(kv, &v)) {
      p.parallelism = v, seen |= 4;
    } else {
      return false;
    }
  }
  if (seen != 7) return false;
  *out = p;
  return true;
}

PasswordHasher::PasswordHasher(const Argon2Params& params, Random* random, int threads,
                               int queue_capacity)
    : params_(params), random_(random), pool_(threads, queue_capacity) {
  dummy_ = HashNow(random_->Bytes(24));
}

std::string PasswordHasher::HashNow(absl::string_view password) {
  const std::string salt = random_->Bytes(kSaltBytes);
  const size_t len = argon2_encodedlen(params_.iterations, params_.memory_kib,
                                       params_.parallelism, kSaltBytes, kHashBytes, Argon2_id);
  std::string encoded(len, '\0');
  const int rc = argon2id_hash_encoded(params_.iterations, params_.memory_kib,
                                       params_.parallelism, password.data(), password.size(),
                                       salt.data(), salt.size(), kHashBytes, encoded.data(),
                                       encoded.size());
  if (rc != ARGON2_OK) return "";
  encoded.resize(encoded.find('\0'));
  return encoded;
}

VerifyOutcome PasswordHasher::VerifyNow(absl::string_view password, absl::string_view phc) const {
  VerifyOutcome out;
  Argon2Params stored;
  // Refuses hashes whose cost could be used to exhaust the server (a row
  // written by hand with m=4 GiB).
  if (!ParsePhcParams(phc, &stored) || stored.memory_kib > 4 * 1024 * 1024 ||
      stored.iterations > 64 || stored.parallelism > 64) {
    return out;
  }
  const std::string z(phc);  // argon2 wants a NUL-terminated string
  out.match = argon2id_verify(z.c_str(), password.data(), password.size()) == ARGON2_OK;
  out.needs_rehash = out.match && (stored.memory_kib != params_.memory_kib ||
                                   stored.iterations != params_.iterations ||
                                   stored.parallelism != params_.parallelism);
  return out;
}

absl::StatusOr<std::string> PasswordHasher::Hash(absl::string_view password) {
  std::string out;
  absl::Status s = pool_.Run([&] { out = HashNow(password); });
  if (!s.ok()) return s;
  if (out.empty()) return absl::InternalError("password hashing failed");
  return out;
}

absl::StatusOr<VerifyOutcome> PasswordHasher::Verify(absl::string_view password,
                                                     absl::string_view phc) {
  VerifyOutcome out;
  absl::Status s = pool_.Run([&] { out = VerifyNow(password, phc); });
  if (!s.ok()) return s;
  return out;
}

absl::Status PasswordHasher::VerifyDummy(absl::string_view password) {
  return pool_.Run([&] { VerifyNow(password, dummy_); });
}

}  // namespace iam::auth
