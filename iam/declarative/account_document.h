// AccountDocument: an account's whole configuration as data, the form
// `iamctl account export` writes and `iamctl apply` converges an account
// to. Everything an administrator sets up (account policies, managed
// policies, groups, users, roles and who holds them, the bindings of
// policies to them, separation-of-duties rules, resource policies and
// ACLs, OAuth clients, identity providers) and nothing that is a secret or a person's data: no password,
// hash, key, factor, email or phone. Objects are keyed by name, so two
// documents of the same account compare field by field and print in the
// same order.
#ifndef IAM_DECLARATIVE_ACCOUNT_DOCUMENT_H_
#define IAM_DECLARATIVE_ACCOUNT_DOCUMENT_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace iam::declarative {

// The document's "kind": what a reader checks first.
inline constexpr char kDocumentKind[] = "iam.account/v1";

using Tags = std::map<std::string, std::string>;
// Policy documents by name (inline policies) or by resource ARN.
using Documents = std::map<std::string, nlohmann::json>;

// The identity policies bound to a user, group or role.
struct Bindings {
  std::set<std::string> policies;  // attached: a managed policy's name, or a built-in's ARN
  Documents inline_policies;
  std::string boundary;  // a policy name or ARN; empty: none (users and roles)
  bool operator==(const Bindings&) const = default;
};

struct UserSpec {
  std::string display_name;
  bool admin = false;
  bool disabled = false;
  std::set<std::string> groups;
  Tags tags;
  Bindings bindings;
  std::vector<std::string> ip_allowlist;  // CIDRs, in the order given
};

struct GroupSpec {
  std::string description;
  Bindings bindings;
};

struct RoleSpec {
  std::string description;
  Tags tags;
  Bindings bindings;
  // Who holds the role for good: "user:<name>" or "group:<name>".
  // Assignments with an expiry are just-in-time grants, not configuration.
  std::set<std::string> members;
};

struct PolicySpec {
  std::string description;
  nlohmann::json document;
  Tags tags;
};

struct ClientSpec {
  bool enabled = true;
  nlohmann::json metadata;  // RFC 7591's names, as ClientMetadata writes them; never the secret
};

struct AccountDocument {
  // By kind ("password", "lockout", ...): the whole policy, every field.
  std::map<std::string, nlohmann::json> account_policies;
  std::map<std::string, PolicySpec> policies;
  std::map<std::string, GroupSpec> groups;
  std::map<std::string, UserSpec> users;
  std::map<std::string, RoleSpec> roles;
  std::map<std::string, std::vector<std::string>> separation_of_duties;  // rule: roles
  Documents resource_policies;  // by resource ARN
  // By resource ARN: {"target": "bucket"|"object", "canned": ...} or
  // {"target": ..., "grants": [{"type", "grantee", "permission"}]}.
  Documents acls;
  // OAuth clients by client_id. A client's service account is among the
  // users ("service-account-<client_id>"), made and removed with it.
  std::map<std::string, ClientSpec> clients;
  // Upstream identity providers by alias: their settings, never their
  // secret (a provider that needs one is created with it first).
  Documents identity_providers;
};

// The document as JSON: lists sorted by name, empty fields left out.
nlohmann::json ToJson(const AccountDocument& doc);

// Reads a document. INVALID_ARGUMENT naming the path ("users[bob].tags")
// for a field of the wrong type, an unknown field, a name given twice, or
// a document of another kind.
absl::StatusOr<AccountDocument> ParseAccountDocument(const nlohmann::json& json);

}  // namespace iam::declarative

#endif  // IAM_DECLARATIVE_ACCOUNT_DOCUMENT_H_
