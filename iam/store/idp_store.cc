#include "iam/store/idp_store.h"

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"

namespace iam::store::idps {
namespace {

constexpr char kIdpColumns[] =
    "account_id, alias, kind, config, sealed_secret, created_at, updated_at";
constexpr char kLinkColumns[] =
    "account_id, provider, subject, user_id, created_at, last_login_at";
constexpr char kLoginColumns[] =
    "state_hash, account_id, provider, request_id, browser_hash, nonce, code_verifier, "
    "created_at, expires_at";

IdentityProviderRow IdpOf(const Row& r) {
  return {r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Str(4), r.Int(5), r.Int(6)};
}

FederatedIdentityRow LinkOf(const Row& r) {
  return {r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Int(4), r.Int(5)};
}

}  // namespace

absl::Status Insert(Tx& tx, const IdentityProviderRow& p) {
  return tx
      .Exec(absl::StrCat("INSERT INTO identity_providers (", kIdpColumns,
                         ") VALUES (?, ?, ?, ?, ?, ?, ?)"),
            {p.account_id, p.alias, p.kind, p.config, p.sealed_secret, p.created_at,
             p.updated_at})
      .status();
}

absl::StatusOr<IdentityProviderRow> Get(Tx& tx, const std::string& account_id,
                                        const std::string& alias) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kIdpColumns,
                                                    " FROM identity_providers WHERE account_id = ? "
                                                    "AND alias = ?"),
                                       {account_id, alias}));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("identity provider ", alias, " not found"));
  return IdpOf(rows[0]);
}

absl::StatusOr<std::vector<IdentityProviderRow>> List(Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kIdpColumns,
                                         " FROM identity_providers WHERE account_id = ? "
                                         "ORDER BY alias"),
                            {account_id}));
  std::vector<IdentityProviderRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(IdpOf(r));
  return out;
}

absl::StatusOr<std::vector<IdentityProviderRow>> ListOfKind(Tx& tx, const std::string& kind) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kIdpColumns,
                                                    " FROM identity_providers WHERE kind = ? "
                                                    "ORDER BY account_id, alias"),
                                       {kind}));
  std::vector<IdentityProviderRow> out;
  for (const auto& r : rows) out.push_back(IdpOf(r));
  return out;
}

absl::Status Update(Tx& tx, const IdentityProviderRow& p) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE identity_providers SET config = ?, sealed_secret = ?, "
                                      "updated_at = ? WHERE account_id = ? AND alias = ?",
                                      {p.config, p.sealed_secret, p.updated_at, p.account_id,
                                       p.alias}));
  if (n == 0) return absl::NotFoundError(absl::StrCat("identity provider ", p.alias, " not found"));
  return absl::OkStatus();
}

absl::Status Delete(Tx& tx, const std::string& account_id, const std::string& alias) {
  ASSIGN_OR_RETURN(int64_t n,
                   tx.Exec("DELETE FROM identity_providers WHERE account_id = ? AND alias = ?",
                           {account_id, alias}));
  if (n == 0) return absl::NotFoundError(absl::StrCat("identity provider ", alias, " not found"));
  RETURN_IF_ERROR(tx.Exec("DELETE FROM federated_identities WHERE account_id = ? AND provider = ?",
                          {account_id, alias})
                      .status());
  return tx.Exec("DELETE FROM upstream_logins WHERE account_id = ? AND provider = ?",
                 {account_id, alias})
      .status();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  for (const char* table : {"identity_providers", "federated_identities", "upstream_logins"}) {
    RETURN_IF_ERROR(
        tx.Exec(absl::StrCat("DELETE FROM ", table, " WHERE account_id = ?"), {account_id})
            .status());
  }
  return absl::OkStatus();
}

absl::Status Link(Tx& tx, const FederatedIdentityRow& l) {
  return tx
      .Exec(absl::StrCat("INSERT INTO federated_identities (", kLinkColumns,
                         ") VALUES (?, ?, ?, ?, ?, ?)"),
            {l.account_id, l.provider, l.subject, l.user_id, l.created_at, l.last_login_at})
      .status();
}

absl::StatusOr<std::optional<FederatedIdentityRow>> FindLink(Tx& tx, const std::string& account_id,
                                                            const std::string& provider,
                                                            const std::string& subject) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kLinkColumns,
                                         " FROM federated_identities WHERE account_id = ? AND "
                                         "provider = ? AND subject = ?"),
                            {account_id, provider, subject}));
  if (rows.empty()) return std::nullopt;
  return LinkOf(rows[0]);
}

absl::StatusOr<std::vector<FederatedIdentityRow>> LinksOfUser(Tx& tx, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kLinkColumns,
                                                    " FROM federated_identities WHERE user_id = ? "
                                                    "ORDER BY provider"),
                                       {user_id}));
  std::vector<FederatedIdentityRow> out;
  for (const auto& r : rows) out.push_back(LinkOf(r));
  return out;
}

absl::StatusOr<std::vector<FederatedIdentityRow>> LinksOfProvider(Tx& tx,
                                                                  const std::string& account_id,
                                                                  const std::string& provider) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kLinkColumns,
                                         " FROM federated_identities WHERE account_id = ? AND "
                                         "provider = ? ORDER BY subject"),
                            {account_id, provider}));
  std::vector<FederatedIdentityRow> out;
  for (const auto& r : rows) out.push_back(LinkOf(r));
  return out;
}

absl::Status Touch(Tx& tx, const std::string& account_id, const std::string& provider,
                   const std::string& subject, int64_t now) {
  return tx
      .Exec("UPDATE federated_identities SET last_login_at = ? WHERE account_id = ? AND "
            "provider = ? AND subject = ?",
            {now, account_id, provider, subject})
      .status();
}

absl::Status DeleteLinksOfUser(Tx& tx, const std::string& user_id) {
  return tx.Exec("DELETE FROM federated_identities WHERE user_id = ?", {user_id}).status();
}

absl::Status PutUpstreamLogin(Tx& tx, const UpstreamLoginRow& l) {
  return tx
      .Exec(absl::StrCat("INSERT INTO upstream_logins (", kLoginColumns,
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {l.state_hash, l.account_id, l.provider, l.request_id, l.browser_hash, l.nonce,
             l.code_verifier, l.created_at, l.expires_at})
      .status();
}

absl::StatusOr<std::optional<UpstreamLoginRow>> TakeUpstreamLogin(Tx& tx,
                                                                  const std::string& state_hash) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kLoginColumns,
                                         " FROM upstream_logins WHERE state_hash = ?"),
                            {state_hash}));
  if (rows.empty()) return std::nullopt;
  // Of two answers racing with one state, one deletes the row.
  ASSIGN_OR_RETURN(int64_t n,
                   tx.Exec("DELETE FROM upstream_logins WHERE state_hash = ?", {state_hash}));
  if (n == 0) return std::nullopt;
  const Row& r = rows[0];
  return UpstreamLoginRow{r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Str(4),
                          r.Str(5), r.Str(6), r.Int(7), r.Int(8)};
}

absl::StatusOr<int64_t> PurgeUpstreamLogins(Tx& tx, int64_t now) {
  return tx.Exec("DELETE FROM upstream_logins WHERE expires_at < ?", {now});
}

}  // namespace iam::store::idps
