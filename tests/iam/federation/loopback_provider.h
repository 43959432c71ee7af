// An upstream OpenID Connect provider played by a real HTTP server on
// loopback: discovery, a JWK Set, and a token endpoint that answers with
// the ID token the test asks for, signed by the published key (or by any
// other). For the federation tests.
#ifndef IAM_TESTS_IAM_FEDERATION_LOOPBACK_PROVIDER_H_
#define IAM_TESTS_IAM_FEDERATION_LOOPBACK_PROVIDER_H_

#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/server/http_server.h"
#include "iam/token/jwt.h"
#include "iam/token/signing_key.h"

namespace iam::testing {

class LoopbackProvider {
 public:
  // ADD_FAILURE and an empty base when the server does not start.
  LoopbackProvider() {
    server::HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    auto s = server::HttpServer::Start(o, [this](const server::HttpRequest& r) { return Answer(r); });
    if (!s.ok()) return;
    server_ = *std::move(s);
    base = absl::StrCat("http://127.0.0.1:", server_->port());
  }

  // The next token request is answered with these claims signed by `by`
  // (the published key when null).
  void NextIdToken(const nlohmann::json& claims, const token::SigningKey* by = nullptr) {
    std::lock_guard<std::mutex> lock(mu);
    id_token = *token::SignJws(claims, "JWT", by ? *by : *key);
  }

  std::string base;
  std::shared_ptr<const token::SigningKey> key =
      *token::SigningKey::Generate(token::Alg::kES256, "k1");
  std::string issuer_in_discovery;  // empty: base
  std::string id_token;
  int token_status = 200;
  std::string token_error;
  // The access token /token issues; /userinfo answers `userinfo` to the
  // bearer of `accepted_token` (401 to others).
  nlohmann::json userinfo = nlohmann::json::object();
  std::string access_token = "at";
  std::string accepted_token = "at";
  server::HttpRequest last_token_request;
  int token_requests = 0;
  std::mutex mu;

 private:
  server::HttpResponse Answer(const server::HttpRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    using server::HttpResponse;
    if (absl::EndsWith(r.path, "/.well-known/openid-configuration")) {
      return HttpResponse::Json(
          200, nlohmann::json({{"issuer", issuer_in_discovery.empty() ? base : issuer_in_discovery},
                               {"authorization_endpoint", base + "/auth"},
                               {"token_endpoint", base + "/token"},
                               {"jwks_uri", base + "/jwks"}})
                   .dump());
    }
    if (r.path == "/jwks") {
      return HttpResponse::Json(200, nlohmann::json({{"keys", {key->PublicJwk()}}}).dump());
    }
    if (r.path == "/userinfo") {
      const std::string* auth = r.Header("authorization");
      if (auth == nullptr || *auth != "Bearer " + accepted_token) {
        return HttpResponse::Json(401, R"({"error":"invalid_token"})");
      }
      return HttpResponse::Json(200, userinfo.dump());
    }
    if (r.path == "/token") {
      last_token_request = r;
      ++token_requests;
      if (token_status != 200) {
        return HttpResponse::Json(token_status, nlohmann::json({{"error", token_error}}).dump());
      }
      return HttpResponse::Json(200, nlohmann::json({{"access_token", access_token},
                                                     {"token_type", "Bearer"},
                                                     {"id_token", id_token}})
                                         .dump());
    }
    return HttpResponse::Json(404, "{}");
  }

  std::unique_ptr<server::HttpServer> server_;
};

}  // namespace iam::testing

#endif  // IAM_TESTS_IAM_FEDERATION_LOOPBACK_PROVIDER_H_
