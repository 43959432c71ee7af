// PolicySet: policies compiled together and indexed so that finding the
// statements that may apply to a request costs about the same for 10 or
// 100,000 policies. Statements are filed by exact action ("s3:getobject"),
// by service for wildcard action names ("s3:get*"), or as generic ("*",
// NotAction); within each, by the literal prefix of their resources, looked
// up for the prefixes of the request's resource that the index holds.
// Immutable once built; share it across threads (std::shared_ptr<const>).
#ifndef IAM_POLICY_POLICY_SET_H_
#define IAM_POLICY_POLICY_SET_H_

#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "policy/policy.h"

namespace iam::policy {

using Candidates = absl::InlinedVector<const Statement*, 16>;

class PolicySet {
 public:
  // indexed=false files every statement as generic: a linear scan, the
  // reference the index is tested against.
  static std::shared_ptr<const PolicySet> Compile(std::vector<Policy> policies,
                                                  bool indexed = true);

  // Appends every statement that may apply to the action (lower-case) and
  // resource; possibly more, never fewer, and each at most once.
  void FindCandidates(absl::string_view action_lower, absl::string_view resource,
                      Candidates* out) const;

  const std::vector<Policy>& policies() const { return policies_; }
  size_t statement_count() const { return statement_count_; }

 private:
  // Statements keyed by the literal prefix of one of their resources.
  struct Bucket {
    std::vector<const Statement*> any_resource;  // "*", NotResource, no prefix
    absl::flat_hash_map<std::string, std::vector<const Statement*>> by_prefix;
    std::vector<size_t> prefix_lengths;  // distinct, ascending
    void Add(const Statement* st);
    void Lookup(absl::string_view resource, Candidates* out) const;
  };

  PolicySet() = default;
  void Index(const Statement* st);

  std::vector<Policy> policies_;
  size_t statement_count_ = 0;
  absl::flat_hash_map<std::string, Bucket> by_action_;
  absl::flat_hash_map<std::string, Bucket> by_service_;
  Bucket generic_;
};

}  // namespace iam::policy

#endif  // IAM_POLICY_POLICY_SET_H_
