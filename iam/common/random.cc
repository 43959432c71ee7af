#include "iam/common/random.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <limits>

namespace iam {

std::string Random::Bytes(size_t n) {
  std::string s(n, '\0');
  Fill(reinterpret_cast<uint8_t*>(s.data()), n);
  return s;
}

uint64_t Random::Uniform(uint64_t bound) {
  // Rejection sampling: plain modulo would favour the low values.
  const uint64_t limit = std::numeric_limits<uint64_t>::max() -
                         std::numeric_limits<uint64_t>::max() % bound;
  uint64_t v;
  do {
    Fill(reinterpret_cast<uint8_t*>(&v), sizeof v);
  } while (v >= limit);
  return v % bound;
}

void CryptoRandom::Fill(uint8_t* out, size_t n) {
  if (n == 0) return;
  if (RAND_bytes(out, static_cast<int>(n)) != 1) std::abort();
}

}  // namespace iam
