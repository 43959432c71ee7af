// The proof-of-work puzzle's text and its solving, shared by the service
// (which signs and checks puzzles: iam/auth/proof_of_work.h) and iamctl
// (which solves them):
//     puzzle  "pow1.<bits>.<expiry unix s>.<salt>.<mac>"
//     proof   "<puzzle>.<nonce>", whose SHA-256 starts with <bits> zero bits
#ifndef IAM_COMMON_POW_PUZZLE_H_
#define IAM_COMMON_POW_PUZZLE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::pow {

inline constexpr absl::string_view kVersion = "pow1";
inline constexpr int kMaxBits = 32;

struct Puzzle {
  int bits = 0;
  int64_t expiry = 0;
  std::string salt;  // base64url of 16 bytes
  std::string mac;   // base64url of 32 bytes
};

// A puzzle's text (with_nonce false) or a proof's (true: `nonce` is set).
bool Parse(absl::string_view text, bool with_nonce, Puzzle& out, uint64_t* nonce = nullptr);

// How many leading zero bits the SHA-256 of `text` has.
int LeadingZeroBits(absl::string_view text);

// The first proof for the puzzle. INVALID_ARGUMENT for a malformed one.
absl::StatusOr<std::string> Solve(absl::string_view puzzle);

}  // namespace iam::pow

#endif  // IAM_COMMON_POW_PUZZLE_H_
