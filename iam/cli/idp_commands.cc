// iamctl idp ...: an account's upstream identity providers. The settings
// are a JSON document (--file) with single fields set over it by --set
// (oidc.client_id=portal, allowed_email_domains=["example.com"]), so
// `idp update corp --set oidc.pkce=false` changes one field and keeps the
// rest. The secret is read from the terminal, or a line of stdin, never
// from the command line (where it would stay in the shell's history).
#include <iostream>
#include <nlohmann/json.hpp>

#include "iam/cli/commands.h"
#include "iam/cli/output.h"
#include "iam/cli/secret_input.h"
#include "policy/json_syntax.h"

namespace iam::cli {
namespace {

using v1::AdminService;

std::vector<Arg> SettingArgs() {
  return {Text("--file", "the whole settings document (JSON; - for stdin)"),
          Texts("--set", "field=value over the document (repeatable; nested: oidc.client_id=app)"),
          Flag("--secret", "read the client secret or bind password (terminal or stdin)")};
}

// The document: --file, or `base`, with each --set over it.
absl::StatusOr<nlohmann::json> Settings(const Args& a, nlohmann::json base) {
  if (!a["--file"].empty()) {
    auto text = ReadDocument(a["--file"]);
    if (!text.ok()) return text.status();
    auto parsed = policy::ParseJson(*text, "--file " + a["--file"]);
    if (!parsed.ok()) return parsed.status();
    base = *std::move(parsed);
    if (!base.is_object()) return absl::InvalidArgumentError("--file: not a JSON object");
  }
  for (const auto& set : a.List("--set")) {
    if (absl::Status s = ApplySetting(base, set); !s.ok()) return s;
  }
  return base;
}

void PrintProviders(const google::protobuf::RepeatedPtrField<v1::IdentityProvider>& list) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : list) {
    auto c = nlohmann::json::parse(p.config(), nullptr, false);
    std::string where;
    if (c.is_object() && p.kind() == "oidc") where = c["oidc"].value("issuer", "");
    if (c.is_object() && p.kind() == "ldap") where = c["ldap"].value("url", "");
    rows.push_back({p.alias(), p.kind(), p.enabled() ? "yes" : "no",
                    c.is_object() ? c.value("display_name", "") : "", where,
                    FormatTime(p.update_time(), true)});
  }
  PrintTable({"ALIAS", "KIND", "ENABLED", "NAME", "ISSUER / URL", "UPDATED"}, rows);
}

void PrintProvider(const Args&, const v1::IdentityProvider& p) {
  PrintProviders(One(p));
  auto c = nlohmann::json::parse(p.config(), nullptr, false);
  std::cout << "\n" << (c.is_discarded() ? p.config() : c.dump(2)) << "\n"
            << (p.has_secret() ? "a secret is set\n" : "no secret\n");
}

absl::Status BuildCreateProvider(const Args& a, v1::CreateIdentityProviderRequest& q) {
  auto doc = Settings(a, nlohmann::json::object());
  if (!doc.ok()) return doc.status();
  (*doc)["alias"] = a["alias"];
  if (a.Given("--kind")) (*doc)["kind"] = a["--kind"];
  if (a.Given("--name")) (*doc)["display_name"] = a["--name"];
  q.set_config(doc->dump());
  if (a.Flag("--secret")) q.set_secret(ReadSecret("secret for " + a["alias"] + ": "));
  return absl::OkStatus();
}

// The stored settings with --file and --set over them, and the switches.
int Update(Context& c, const Args& a) {
  if (a.Flag("--enable") && a.Flag("--disable")) {
    return Refuse(absl::InvalidArgumentError("--enable and --disable: one or the other"));
  }
  if (a.Flag("--secret") && a.Flag("--clear-secret")) {
    return Refuse(absl::InvalidArgumentError("--secret and --clear-secret: one or the other"));
  }
  v1::IdentityProviderRequest get;
  get.set_account_id(a["--account"]);
  get.set_alias(a["alias"]);
  v1::IdentityProvider current;
  grpc::Status s = Invoke(c, &AdminService::Stub::GetIdentityProvider, get, &current);
  if (!s.ok()) return Render(c, s, current, [] {});
  auto stored = nlohmann::json::parse(current.config(), nullptr, false);
  auto doc = Settings(a, stored.is_object() ? stored : nlohmann::json::object());
  if (!doc.ok()) return Refuse(doc.status());
  if (a.Flag("--enable")) (*doc)["enabled"] = true;
  if (a.Flag("--disable")) (*doc)["enabled"] = false;
  if (a.Given("--name")) (*doc)["display_name"] = a["--name"];
  v1::UpdateIdentityProviderRequest q;
  q.set_account_id(a["--account"]);
  q.set_alias(a["alias"]);
  q.set_config(doc->dump());
  if (a.Flag("--secret")) q.set_secret(ReadSecret("new secret for " + a["alias"] + ": "));
  q.set_clear_secret(a.Flag("--clear-secret"));
  v1::IdentityProvider r;
  s = Invoke(c, &AdminService::Stub::UpdateIdentityProvider, q, &r);
  return Render(c, s, r, [&] { PrintProvider(a, r); });
}


}  // namespace

std::vector<Command> IdpCommands() {
  return {
      {"idp create",
       "add an upstream identity provider: an OpenID Connect provider or an LDAP directory",
       Joined({Text("alias").Required(),
             Text("--kind", "oidc or ldap").OneOf({"oidc", "ldap"}),
             Text("--name", "display_name: the words of the login button"), AccountArg()},
            SettingArgs()),
       Call(&AdminService::Stub::CreateIdentityProvider, BuildCreateProvider, PrintProvider)},
      {"idp get", "show a provider's settings (never its secret)",
       {Text("alias").Required().Into("alias"), AccountArg()},
       Call(&AdminService::Stub::GetIdentityProvider, PrintProvider)},
      {"idp list", "list the account's identity providers", {AccountArg()},
       Call(&AdminService::Stub::ListIdentityProviders,
            [](const Args&, const v1::ListIdentityProvidersResponse& r) {
              PrintProviders(r.providers());
            })},
      {"idp update",
       "change a provider: --set fields over its settings, --file to replace them",
       Joined({Text("alias").Required(), AccountArg(),
             Text("--name", "display_name: the words of the login button"),
             Flag("--enable", "offer it at login again"),
             Flag("--disable", "stop offering it (its users' links stay)"),
             Flag("--clear-secret", "remove the secret (a client that became public)")},
            SettingArgs()),
       Update},
      {"idp delete", "delete a provider and its users' links to it (the users stay)",
       {Text("alias").Required().Into("alias"), AccountArg()},
       Call(&AdminService::Stub::DeleteIdentityProvider, Says("deleted"))},
      {"idp test",
       "reach the provider and say what was found: discovery and keys (oidc), a bind (ldap)",
       {Text("alias").Required().Into("alias"), AccountArg(),
        Text("--username", "ldap: a user to look up").Into("username"),
        Flag("--password", "ldap: read that user's password and bind as them")},
       Call(&AdminService::Stub::TestIdentityProvider,
            [](const Args& a, v1::TestIdentityProviderRequest& q) {
              if (a.Flag("--password")) q.set_password(ReadSecret("password: "));
            },
            [](const Args&, const v1::TestIdentityProviderResponse& r) {
              for (const auto& f : r.findings()) std::cout << f << "\n";
              std::cout << (r.ok() ? "ok" : "FAILED") << "\n";
            })},
  };
}

}  // namespace iam::cli
