// iamctl client ...: OAuth clients and the initial access tokens of dynamic
// registration. The metadata is a JSON document (--file); the options set
// single fields over it, so `client update app --scope "a b"` changes the
// scope and keeps the rest.
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/cli/commands.h"
#include "iam/cli/duration.h"
#include "iam/cli/output.h"
#include "policy/json_syntax.h"

namespace iam::cli {
namespace {

using v1::AdminService;

absl::StatusOr<nlohmann::json> ReadJsonFile(const std::string& option, const std::string& path) {
  auto text = ReadDocument(path);
  if (!text.ok()) return text.status();
  return policy::ParseJson(*text, option + " " + path);
}

// The metadata options, each one field of the document.
std::vector<Arg> MetadataArgs() {
  return {Text("--file", "the whole metadata document (JSON; - for stdin)"),
          Text("--name", "client_name: what people see"),
          Text("--auth-method", "token_endpoint_auth_method")
              .OneOf({"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}),
          Texts("--grant", "grant_types entry: authorization_code, client_credentials, "
                           "refresh_token, token-exchange (repeatable)"),
          Text("--scope", "scope: the scopes it may ask for, space-separated"),
          Texts("--audience", "audience it may ask tokens for (repeatable)"),
          Texts("--redirect-uri", "redirect_uris entry, matched exactly (repeatable)"),
          Texts("--post-logout-redirect-uri",
                "post_logout_redirect_uris entry, matched exactly (repeatable)"),
          Text("--require-pkce", "require_pkce: true (the default) or false (confidential only)")
              .OneOf({"true", "false"}),
          Texts("--cidr", "allowed_cidrs entry: source networks (repeatable)"),
          Number("--access-token-ttl", "access_token_ttl in seconds").Range(60, 86400),
          Number("--refresh-token-ttl", "refresh_token_ttl in seconds").Range(300, 7776000),
          Text("--first-party", "first_party: true (no consent asked) or false")
              .OneOf({"true", "false"}),
          Text("--dpop-bound", "dpop_bound_access_tokens: true or false").OneOf({"true", "false"}),
          Text("--jwks-file", "jwks: the public keys of private_key_jwt (JWK Set file)"),
          Text("--jwks-uri", "jwks_uri: where its public keys are published"),
          Text("--backchannel-logout-uri", "backchannel_logout_uri")};
}

// Sets the fields the options give over `doc`.
absl::Status ApplyOptions(const Args& a, nlohmann::json& doc) {
  if (!a["--file"].empty()) {
    auto file = ReadJsonFile("--file", a["--file"]);
    if (!file.ok()) return file.status();
    doc = *std::move(file);
    if (!doc.is_object()) return absl::InvalidArgumentError("--file: must be a JSON object");
  }
  auto text = [&](const char* option, const char* field) {
    if (a.Given(option)) doc[field] = a[option];
  };
  text("--name", "client_name");
  text("--auth-method", "token_endpoint_auth_method");
  text("--scope", "scope");
  text("--jwks-uri", "jwks_uri");
  text("--backchannel-logout-uri", "backchannel_logout_uri");
  auto list = [&](const char* option, const char* field) {
    if (a.Given(option)) doc[field] = a.List(option);
  };
  if (a.Given("--grant")) {
    std::vector<std::string> grants;
    for (const std::string& g : a.List("--grant")) {
      grants.push_back(g == "token-exchange" ? "urn:ietf:params:oauth:grant-type:token-exchange"
                                             : g);
    }
    doc["grant_types"] = grants;
  }
  list("--audience", "audience");
  list("--redirect-uri", "redirect_uris");
  list("--post-logout-redirect-uri", "post_logout_redirect_uris");
  if (a.Given("--require-pkce")) doc["require_pkce"] = a["--require-pkce"] == "true";
  list("--cidr", "allowed_cidrs");
  if (a.Given("--access-token-ttl")) doc["access_token_ttl"] = a.Number("--access-token-ttl");
  if (a.Given("--refresh-token-ttl")) doc["refresh_token_ttl"] = a.Number("--refresh-token-ttl");
  if (a.Given("--first-party")) doc["first_party"] = a["--first-party"] == "true";
  if (a.Given("--dpop-bound")) doc["dpop_bound_access_tokens"] = a["--dpop-bound"] == "true";
  if (!a["--jwks-file"].empty()) {
    auto jwks = ReadJsonFile("--jwks-file", a["--jwks-file"]);
    if (!jwks.ok()) return jwks.status();
    doc["jwks"] = *std::move(jwks);
    doc.erase("jwks_uri");
  }
  if (a.Given("--jwks-uri")) doc.erase("jwks");
  return absl::OkStatus();
}

bool AnyMetadataOption(const Args& a) {
  for (const Arg& arg : MetadataArgs()) {
    if (a.Given(arg.name)) return true;
  }
  return false;
}

void PrintClients(const google::protobuf::RepeatedPtrField<v1::OAuthClient>& clients) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : clients) {
    auto m = nlohmann::json::parse(c.metadata(), nullptr, false);
    std::vector<std::string> grants;
    if (m.is_object() && m.contains("grant_types")) {
      for (const auto& g : m["grant_types"]) {
        std::string name = g.get<std::string>();
        grants.push_back(name == "urn:ietf:params:oauth:grant-type:token-exchange"
                             ? "token-exchange"
                             : name);
      }
    }
    rows.push_back({c.client_id(), c.state(),
                    m.is_object() ? m.value("token_endpoint_auth_method", "") : "",
                    absl::StrJoin(grants, ","),
                    c.service_account().empty() ? "-" : c.service_account(),
                    FormatTime(c.create_time(), true)});
  }
  PrintTable({"CLIENT ID", "STATE", "AUTH", "GRANTS", "SERVICE ACCOUNT", "CREATED"}, rows);
}

void PrintClient(const v1::OAuthClient& c) {
  PrintClients(One(c));
  if (c.old_secret_active()) {
    std::cout << "previous secret accepted until " << FormatTime(c.old_secret_expire_time(), true)
              << "\n";
  }
  auto m = nlohmann::json::parse(c.metadata(), nullptr, false);
  std::cout << "\n" << (m.is_discarded() ? c.metadata() : m.dump(2)) << "\n";
}

void PrintIssued(const Args&, const v1::IssuedClient& r) {
  PrintClient(r.client());
  if (!r.client_secret().empty()) {
    std::cout << "\nclient secret (shown once): " << r.client_secret() << "\n";
  }
}

void PrintTokens(const google::protobuf::RepeatedPtrField<v1::InitialAccessToken>& tokens) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : tokens) {
    rows.push_back({t.id(), std::to_string(t.uses_left()), FormatTime(t.expire_time(), true),
                    t.description()});
  }
  PrintTable({"ID", "USES LEFT", "EXPIRES", "DESCRIPTION"}, rows);
}

void PrintDeliveries(const v1::ListLogoutDeliveriesResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : r.deliveries()) {
    const auto& when = d.state() == "pending" ? d.next_attempt_time() : d.finish_time();
    rows.push_back({d.session_id(), d.state(), std::to_string(d.attempts()),
                    FormatTime(when, true), d.last_error()});
  }
  PrintTable({"SESSION", "STATE", "ATTEMPTS", "NEXT / DONE", "LAST ERROR"}, rows);
}

absl::Status BuildCreateClient(const Args& a, v1::CreateClientRequest& q) {
  nlohmann::json doc = nlohmann::json::object();
  if (absl::Status s = ApplyOptions(a, doc); !s.ok()) return s;
  q.set_metadata(doc.dump());
  return absl::OkStatus();
}

// The stored metadata with the options applied over it, and --enable or
// --disable.
int UpdateClient(Context& c, const Args& a) {
  if (a.Flag("--enable") && a.Flag("--disable")) {
    return Refuse(absl::InvalidArgumentError("--enable and --disable: one or the other"));
  }
  v1::UpdateClientRequest q;
  a.Fill(q);
  if (AnyMetadataOption(a)) {
    v1::ClientRequest get;
    get.set_account_id(q.account_id());
    get.set_client_id(q.client_id());
    v1::OAuthClient current;
    grpc::Status s = Invoke(c, &AdminService::Stub::GetClient, get, &current);
    if (!s.ok()) return Render(c, s, current, [] {});
    auto doc = nlohmann::json::parse(current.metadata(), nullptr, false);
    if (doc.is_discarded()) doc = nlohmann::json::object();
    if (absl::Status st = ApplyOptions(a, doc); !st.ok()) return Refuse(st);
    q.set_metadata(doc.dump());
  }
  if (a.Flag("--enable")) q.set_enabled(true);
  if (a.Flag("--disable")) q.set_enabled(false);
  v1::IssuedClient r;
  grpc::Status s = Invoke(c, &AdminService::Stub::UpdateClient, q, &r);
  return Render(c, s, r, [&] { PrintIssued(a, r); });
}


}  // namespace

std::vector<Command> ClientCommands() {
  return {
      {"client create",
       "register an OAuth client (its secret is shown once); with the client_credentials grant "
       "it gets a service account",
       Joined({Text("client_id").Required().Into("client_id"), AccountArg()}, MetadataArgs()),
       Call(&AdminService::Stub::CreateClient, BuildCreateClient, PrintIssued)},
      {"client get", "show a client and its metadata",
       {Text("client_id").Required().Into("client_id"), AccountArg()},
       Call(&AdminService::Stub::GetClient,
            [](const Args&, const v1::OAuthClient& r) { PrintClient(r); })},
      {"client list", "list the account's clients", {AccountArg()},
       CallAll(&AdminService::Stub::ListClients,
               [](const Args&, const v1::ListClientsResponse& r) { PrintClients(r.clients()); })},
      {"client update",
       "change a client: the options set those fields and keep the rest; --disable stops its "
       "tokens",
       Joined({Text("client_id").Required().Into("client_id"), AccountArg(),
             Flag("--enable", "let it obtain tokens again"),
             Flag("--disable", "refuse it tokens (those issued stay valid until they expire)")},
            MetadataArgs()),
       UpdateClient},
      {"client delete", "delete a client and its service account",
       {Text("client_id").Required().Into("client_id"), AccountArg()},
       Call(&AdminService::Stub::DeleteClient, Says("deleted"))},
      {"client rotate-secret",
       "issue a new secret (shown once); the current one keeps working for --grace",
       {Text("client_id").Required().Into("client_id"),
        Text("--grace", "how long the current secret stays valid: 0, 90s, 30m, 4h, 7d (max)"),
        AccountArg()},
       Call(&AdminService::Stub::RotateClientSecret,
            [](const Args& a, v1::RotateClientSecretRequest& q) -> absl::Status {
              const std::string& g = a["--grace"];
              if (g.empty() || g == "0") return absl::OkStatus();
              const int64_t seconds = ParseDurationSeconds(g);
              if (seconds <= 0) {
                return absl::InvalidArgumentError("--grace: a length like 90s, 30m, 4h or 7d");
              }
              q.set_grace_seconds(seconds);
              return absl::OkStatus();
            },
            PrintIssued)},
      {"client create-initial-token",
       "an initial access token for the dynamic registration endpoint (shown once)",
       {Text("--description").Into("description"),
        Text("--ttl", "how long it is valid: 90s, 30m, 4h, 7d (default 1d, max 30d)"),
        Number("--uses", "registrations it allows").Range(1, 10000).Default(1).Into("uses"),
        AccountArg()},
       Call(&AdminService::Stub::CreateInitialAccessToken,
            [](const Args& a, v1::CreateInitialAccessTokenRequest& q) -> absl::Status {
              if (a["--ttl"].empty()) return absl::OkStatus();
              const int64_t seconds = ParseDurationSeconds(a["--ttl"]);
              if (seconds <= 0) {
                return absl::InvalidArgumentError("--ttl: a length like 90s, 30m, 4h or 7d");
              }
              q.set_ttl_seconds(seconds);
              return absl::OkStatus();
            },
            [](const Args&, const v1::IssuedInitialAccessToken& r) {
              PrintTokens(One(r.token()));
              std::cout << "\ninitial access token (shown once): " << r.secret() << "\n";
            })},
      {"client list-initial-tokens", "the account's initial access tokens", {AccountArg()},
       Call(&AdminService::Stub::ListInitialAccessTokens,
            [](const Args&, const v1::ListInitialAccessTokensResponse& r) {
              PrintTokens(r.tokens());
            })},
      {"client logout-deliveries",
       "the client's back-channel logout deliveries: delivered, retrying, or given up",
       {Text("client_id").Required().Into("client_id"), AccountArg(),
        Number("--limit", "at most this many, newest first (default 50)").Into("page_size")},
       Call(&AdminService::Stub::ListLogoutDeliveries,
            [](const Args&, const v1::ListLogoutDeliveriesResponse& r) { PrintDeliveries(r); })},
      {"client delete-initial-token", "delete an initial access token",
       {Text("id").Required().Into("id"), AccountArg()},
       Call(&AdminService::Stub::DeleteInitialAccessToken, Says("deleted"))},
  };
}

}  // namespace iam::cli
