#include "iam/oauth/remote_key_sets.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace iam::oauth {

std::optional<absl::Duration> CacheLifetime(absl::string_view cache_control) {
  std::optional<absl::Duration> out;
  for (absl::string_view d : absl::StrSplit(cache_control, ',')) {
    d = absl::StripAsciiWhitespace(d);
    if (absl::EqualsIgnoreCase(d, "no-store") || absl::EqualsIgnoreCase(d, "no-cache")) {
      return absl::ZeroDuration();
    }
    if (d.size() > 8 && absl::EqualsIgnoreCase(d.substr(0, 8), "max-age=")) {
      int64_t seconds = 0;
      if (absl::SimpleAtoi(d.substr(8), &seconds) && seconds >= 0) out = absl::Seconds(seconds);
    }
  }
  return out;
}

RemoteKeySets::RemoteKeySets(const net::HttpFetcher& fetcher, const Clock& clock, Parse parse,
                             RemoteKeySetOptions options)
    : fetcher_(fetcher), clock_(clock), parse_(std::move(parse)), options_(options) {}

std::shared_ptr<RemoteKeySets::Entry> RemoteKeySets::EntryFor(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sets_.find(uri);
  if (it != sets_.end()) return it->second;
  // A bound on memory, not an LRU: registrations that many are rare, and
  // an evicted set is fetched again when next needed.
  if (sets_.size() >= options_.max_sets) sets_.erase(sets_.begin());
  auto entry = std::make_shared<Entry>();
  sets_.emplace(uri, entry);
  return entry;
}

absl::StatusOr<std::pair<VerifyKeys, absl::Duration>> RemoteKeySets::Fetch(
    const std::string& uri) {
  net::FetchRequest request;
  request.url = uri;
  request.headers = {{"Accept", "application/jwk-set+json, application/json"}};
  auto response = fetcher_.Fetch(request);
  if (!response.ok()) return absl::UnavailableError(response.status().message());
  if (response->status != 200) {
    return absl::UnavailableError(absl::StrCat("the key set URI answered ", response->status));
  }
  auto doc = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::UnavailableError("the key set URI did not answer JSON");
  auto keys = parse_(doc);
  if (!keys.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the key set URI's set is refused: ", keys.status().message()));
  }
  absl::Duration ttl = CacheLifetime(response->cache_control).value_or(options_.default_ttl);
  ttl = std::clamp(ttl, options_.min_ttl, options_.max_ttl);
  return std::make_pair(*std::move(keys), ttl);
}

absl::StatusOr<VerifyKeys> RemoteKeySets::Keys(const std::string& uri, bool refresh) {
  std::shared_ptr<Entry> e = EntryFor(uri);
  std::lock_guard<std::mutex> lock(e->fetch_mu);
  const absl::Time now = clock_.Now();
  if (e->keys && now < e->expires && !refresh) return *e->keys;
  const bool usable_stale = e->keys && now < e->expires + options_.stale_for;
  if (now - e->last_attempt < options_.refetch_interval) {
    if (usable_stale) return *e->keys;
    return e->last_error.ok() ? absl::UnavailableError("the key set was fetched moments ago")
                              : e->last_error;
  }
  e->last_attempt = now;
  auto fetched = Fetch(uri);
  {
    std::lock_guard<std::mutex> count(mu_);
    ++stats_.fetches;
    if (!fetched.ok()) ++stats_.failures;
  }
  if (fetched.ok()) {
    e->keys = std::move(fetched->first);
    e->expires = now + fetched->second;
    e->last_error = absl::OkStatus();
    return *e->keys;
  }
  e->last_error = fetched.status();
  if (usable_stale) return *e->keys;
  return fetched.status();
}

RemoteKeySets::Stats RemoteKeySets::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace iam::oauth
