#include "policy/policy_set.h"

#include <algorithm>

namespace iam::policy {

void PolicySet::Bucket::Add(const Statement* st) {
  if (st->not_resource) {
    any_resource.push_back(st);
    return;
  }
  bool everywhere = false;
  std::vector<std::string> prefixes;
  for (const Pattern& r : st->resources) {
    if (r.literal_prefix().empty()) {
      everywhere = true;
      break;
    }
    prefixes.push_back(r.literal_prefix());
  }
  if (everywhere) {
    any_resource.push_back(st);
    return;
  }
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  for (const std::string& p : prefixes) {
    by_prefix[p].push_back(st);
    auto it = std::lower_bound(prefix_lengths.begin(), prefix_lengths.end(), p.size());
    if (it == prefix_lengths.end() || *it != p.size()) prefix_lengths.insert(it, p.size());
  }
}

void PolicySet::Bucket::Lookup(absl::string_view resource, Candidates* out) const {
  out->insert(out->end(), any_resource.begin(), any_resource.end());
  for (size_t len : prefix_lengths) {
    if (len > resource.size()) break;
    auto it = by_prefix.find(resource.substr(0, len));
    if (it != by_prefix.end()) out->insert(out->end(), it->second.begin(), it->second.end());
  }
}

void PolicySet::Index(const Statement* st) {
  if (st->not_action) {
    generic_.Add(st);
    return;
  }
  // A statement with several actions is filed under each; duplicates are
  // removed at lookup.
  bool generic = false;
  std::vector<std::pair<bool, std::string>> keys;  // (exact, key)
  for (const Pattern& a : st->actions) {
    const std::string& src = a.source();
    const size_t colon = src.find(':');
    if (a.is_literal()) {
      keys.emplace_back(true, src);
    } else if (colon != std::string::npos &&
               src.find_first_of("*?") > colon) {  // the service part is literal
      keys.emplace_back(false, src.substr(0, colon));
    } else {
      generic = true;
    }
  }
  if (generic) {
    generic_.Add(st);
    return;
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const auto& [exact, key] : keys) (exact ? by_action_ : by_service_)[key].Add(st);
}

std::shared_ptr<const PolicySet> PolicySet::Compile(std::vector<Policy> policies,
                                                    bool indexed) {
  auto set = std::shared_ptr<PolicySet>(new PolicySet());
  set->policies_ = std::move(policies);
  for (Policy& p : set->policies_) {
    for (Statement& st : p.statements) {
      st.ordinal = static_cast<int>(set->statement_count_++);
      if (indexed) {
        set->Index(&st);
      } else {
        set->generic_.any_resource.push_back(&st);
      }
    }
  }
  return set;
}

void PolicySet::FindCandidates(absl::string_view action, absl::string_view resource,
                               Candidates* out) const {
  const size_t start = out->size();
  generic_.Lookup(resource, out);
  if (auto it = by_action_.find(action); it != by_action_.end()) it->second.Lookup(resource, out);
  const size_t colon = action.find(':');
  if (colon != absl::string_view::npos) {
    if (auto it = by_service_.find(action.substr(0, colon)); it != by_service_.end()) {
      it->second.Lookup(resource, out);
    }
  }
  if (out->size() - start > 1) {
    std::sort(out->begin() + start, out->end(),
              [](const Statement* a, const Statement* b) { return a->ordinal < b->ordinal; });
    out->erase(std::unique(out->begin() + start, out->end()), out->end());
  }
}

}  // namespace iam::policy
