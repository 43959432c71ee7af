#include "iam/common/pow_puzzle.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iam/common/crypto.h"

namespace iam::pow {

bool Parse(absl::string_view text, bool with_nonce, Puzzle& out, uint64_t* nonce) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != (with_nonce ? 6u : 5u) || parts[0] != kVersion) return false;
  if (parts[1].size() > 2 || !absl::SimpleAtoi(parts[1], &out.bits) || out.bits < 1 ||
      out.bits > kMaxBits) {
    return false;
  }
  if (parts[2].size() > 12 || !absl::SimpleAtoi(parts[2], &out.expiry)) return false;
  if (parts[3].size() != 22 || parts[4].size() != 43) return false;
  out.salt = std::string(parts[3]);
  out.mac = std::string(parts[4]);
  if (with_nonce) {
    uint64_t n = 0;
    if (parts[5].empty() || parts[5].size() > 20 || !absl::SimpleAtoi(parts[5], &n)) return false;
    if (nonce != nullptr) *nonce = n;
  }
  return true;
}

int LeadingZeroBits(absl::string_view text) {
  const std::string digest = crypto::Sha256(text);
  int bits = 0;
  for (unsigned char c : digest) {
    if (c == 0) {
      bits += 8;
      continue;
    }
    for (int b = 7; b >= 0 && !(c & (1u << b)); --b) ++bits;
    break;
  }
  return bits;
}

absl::StatusOr<std::string> Solve(absl::string_view puzzle) {
  Puzzle p;
  if (!Parse(puzzle, false, p)) return absl::InvalidArgumentError("not a proof-of-work puzzle");
  for (uint64_t nonce = 0;; ++nonce) {
    std::string proof = absl::StrCat(puzzle, ".", nonce);
    if (LeadingZeroBits(proof) >= p.bits) return proof;
  }
}

}  // namespace iam::pow
