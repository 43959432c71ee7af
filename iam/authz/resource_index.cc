#include "iam/authz/resource_index.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "iam/authz/resource_arn.h"
#include "iam/common/status_macros.h"
#include "iam/store/authz_version_store.h"
#include "iam/store/resource_store.h"
#include "policy/eval_input.h"

namespace iam::authz {
namespace {

// A prefix covers the resource itself and what lies under it as a path:
// "arn:aws:s3:::photos" covers "arn:aws:s3:::photos/a.jpg", not
// "arn:aws:s3:::photos-old".
bool Covers(absl::string_view prefix, absl::string_view resource) {
  if (resource.size() < prefix.size() || resource.substr(0, prefix.size()) != prefix) return false;
  return resource.size() == prefix.size() || prefix.back() == '/' ||
         resource[prefix.size()] == '/';
}

}  // namespace

std::shared_ptr<const ResourceIndex> ResourceIndex::Empty() {
  return std::shared_ptr<const ResourceIndex>(new ResourceIndex());
}

absl::StatusOr<policy::Acl> ResourceIndex::ParseStoredAcl(const std::string& json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  auto acl = policy::ParseAcl(j, "acl");
  if (!acl.ok()) return absl::DataLossError("stored ACL does not parse");
  return acl;
}

absl::StatusOr<std::shared_ptr<const ResourceIndex>> ResourceIndex::Load(store::Database& db) {
  auto index = std::shared_ptr<ResourceIndex>(new ResourceIndex());
  std::vector<store::ResourceDocRow> policies, acls;
  std::vector<std::pair<std::string, std::string>> owners;
  RETURN_IF_ERROR(db.ReadCommitted([&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(index->version_,
                     store::authz_versions::Read(tx, store::authz_versions::kResourcesScope));
    ASSIGN_OR_RETURN(policies, store::resources::ListAll(tx, store::resources::Kind::kPolicy));
    ASSIGN_OR_RETURN(acls, store::resources::ListAll(tx, store::resources::Kind::kAcl));
    ASSIGN_OR_RETURN(owners, store::resources::ListOwners(tx));
    return absl::OkStatus();
  }));
  for (auto& [root, account] : owners) index->owners_[root] = account;
  for (const auto& row : acls) {
    ASSIGN_OR_RETURN(index->acls_[row.resource], ParseStoredAcl(row.body));
  }
  // Parse each once, then compile every prefix with the prefixes above it.
  std::vector<std::pair<std::string, policy::Policy>> parsed;
  for (const auto& row : policies) {
    policy::ParseOptions opts;
    opts.kind = policy::PolicyKind::kResource;
    opts.max_size = policy::kStoredPolicyLimit;
    opts.stored = true;
    opts.label = absl::StrCat("resource-policy ", row.resource);
    auto p = policy::ParsePolicy(row.body, opts);
    if (!p.ok()) {
      return absl::DataLossError(absl::StrCat("stored resource policy on ", row.resource,
                                              " does not parse"));
    }
    parsed.emplace_back(row.resource, *std::move(p));
  }
  for (const auto& [prefix, unused] : parsed) {
    std::vector<policy::Policy> chain;
    for (const auto& [other, policy] : parsed) {
      if (Covers(other, prefix)) chain.push_back(policy);
    }
    index->policies_[prefix] = policy::PolicySet::Compile(std::move(chain));
    index->prefix_lengths_.push_back(prefix.size());
  }
  auto& lengths = index->prefix_lengths_;
  std::sort(lengths.begin(), lengths.end(), std::greater<>());
  lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
  return std::shared_ptr<const ResourceIndex>(std::move(index));
}

ResourceSide ResourceIndex::Lookup(absl::string_view resource, absl::string_view action) const {
  ResourceSide side;
  const ResourceName name = SplitResource(resource);
  if (!name.account.empty()) {
    side.owner = name.account;
  } else if (auto it = owners_.find(name.root); it != owners_.end()) {
    side.owner = it->second;
  }
  for (size_t len : prefix_lengths_) {
    if (len > resource.size()) continue;
    auto it = policies_.find(resource.substr(0, len));
    if (it != policies_.end() && Covers(it->first, resource)) {
      side.policies = it->second.get();
      break;
    }
  }
  if (!acls_.empty()) {
    auto exact = acls_.find(resource);
    const policy::Acl* bucket = nullptr;
    if (name.root != resource) {
      auto b = acls_.find(name.root);
      if (b != acls_.end()) bucket = &b->second;
    }
    // S3 consults the bucket's ACL for listing and for writing objects, the
    // object's own ACL for reading it and its ACL.
    const std::string lower = absl::AsciiStrToLower(action);
    if (bucket != nullptr &&
        policy::AclPermits(policy::AclPermission::kFullControl, policy::AclTarget::kBucket, lower)) {
      side.acl = bucket;
    } else if (exact != acls_.end()) {
      side.acl = &exact->second;
    } else {
      side.acl = bucket;
    }
  }
  return side;
}

}  // namespace iam::authz
