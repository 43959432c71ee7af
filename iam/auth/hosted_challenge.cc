#include "iam/auth/hosted_challenge.h"

#include "absl/strings/str_cat.h"
#include "iam/common/log.h"
#include "iam/common/text.h"
#include "nlohmann/json.hpp"

namespace iam::auth {
namespace {

constexpr size_t kMaxResponseBytes = 4096;

}  // namespace

ChallengeOffer HostedChallenge::Offer(const std::string&, int) const {
  ChallengeOffer offer;
  offer.kind = "hosted";
  offer.script_url = options_.script_url;
  offer.site_key = options_.site_key;
  offer.response_field = options_.response_field;
  return offer;
}

bool HostedChallenge::Verify(absl::string_view proof, const std::string& source_ip, int) const {
  if (proof.empty() || proof.size() > kMaxResponseBytes) return false;
  net::FetchRequest req;
  req.method = "POST";
  req.url = options_.verify_url;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  req.body = absl::StrCat("secret=", text::FormEncode(options_.secret),
                          "&response=", text::FormEncode(proof),
                          "&remoteip=", text::FormEncode(source_ip));
  auto res = fetcher_->Fetch(req);
  if (!res.ok() || res->status != 200) {
    // Fail closed, and tell the operator: every challenged login fails now.
    log::Warn(
        "the challenge service did not answer",
        {{"status", res.ok() ? absl::StrCat("HTTP ", res->status) : res.status().ToString()}});
    return false;
  }
  auto body = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  return body.is_object() && body.contains("success") && body["success"].is_boolean() &&
         body["success"].get<bool>();
}

}  // namespace iam::auth
