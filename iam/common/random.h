// Random: where every secret, salt, identifier and token gets its bytes.
// CryptoRandom draws from OpenSSL's CSPRNG and is thread-safe. Injected so a
// test can see what was drawn; production code uses CryptoRandom only.
#ifndef IAM_COMMON_RANDOM_H_
#define IAM_COMMON_RANDOM_H_

#include <cstdint>
#include <string>

namespace iam {

class Random {
 public:
  virtual ~Random() = default;
  // Fills out[0..n) with random bytes. Aborts the process if the CSPRNG
  // fails: continuing with predictable secrets is never the better option.
  virtual void Fill(uint8_t* out, size_t n) = 0;

  std::string Bytes(size_t n);
  // A uniformly drawn integer in [0, bound), bound > 0.
  uint64_t Uniform(uint64_t bound);
};

class CryptoRandom final : public Random {
 public:
  void Fill(uint8_t* out, size_t n) override;
};

}  // namespace iam

#endif  // IAM_COMMON_RANDOM_H_
