// RemoteKeySets: JWK Sets published at a URI (a client's jwks_uri; the
// same shape serves upstream identity providers), fetched through an
// HttpFetcher and cached. A set is kept for the max-age its publisher
// gives (clamped to [min_ttl, max_ttl]; default_ttl without one). A caller
// that finds no key verifying a signature asks again with `refresh`, which
// fetches at once, unless the set was fetched within refetch_interval: a
// publisher that rotated its keys is followed within seconds, and forged
// signatures cannot make this server hammer the publisher. When a fetch
// fails, the last good set serves for stale_for past its expiry.
//
// Thread-safe. Fetches of one URI are serialised; others proceed.
#ifndef IAM_OAUTH_REMOTE_KEY_SETS_H_
#define IAM_OAUTH_REMOTE_KEY_SETS_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "iam/common/clock.h"
#include "iam/net/http_fetcher.h"
#include "iam/oauth/client_keys.h"

namespace iam::oauth {

struct RemoteKeySetOptions {
  absl::Duration default_ttl = absl::Minutes(5);
  absl::Duration min_ttl = absl::Minutes(1);
  absl::Duration max_ttl = absl::Hours(24);
  absl::Duration refetch_interval = absl::Seconds(10);
  absl::Duration stale_for = absl::Hours(1);
  size_t max_sets = 10000;
};

class RemoteKeySets {
 public:
  // Turns a fetched JWK Set into verification keys (and judges it).
  using Parse = std::function<absl::StatusOr<VerifyKeys>(const nlohmann::json&)>;

  RemoteKeySets(const net::HttpFetcher& fetcher, const Clock& clock, Parse parse,
                RemoteKeySetOptions options = {});

  // UNAVAILABLE (with the fetcher's or the parser's reason) when no usable
  // set is known.
  absl::StatusOr<VerifyKeys> Keys(const std::string& uri, bool refresh = false);

  struct Stats {
    uint64_t fetches = 0;
    uint64_t failures = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    std::mutex fetch_mu;  // held while this set is looked at or fetched
    std::optional<VerifyKeys> keys;
    absl::Time expires;
    absl::Time last_attempt = absl::InfinitePast();
    absl::Status last_error;
  };

  std::shared_ptr<Entry> EntryFor(const std::string& uri);
  absl::StatusOr<std::pair<VerifyKeys, absl::Duration>> Fetch(const std::string& uri);

  const net::HttpFetcher& fetcher_;
  const Clock& clock_;
  const Parse parse_;
  const RemoteKeySetOptions options_;
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Entry>> sets_;
  Stats stats_;
};

// The lifetime a Cache-Control header grants (max-age; zero for no-store
// or no-cache), before clamping; nullopt when it says nothing.
std::optional<absl::Duration> CacheLifetime(absl::string_view cache_control);

}  // namespace iam::oauth

#endif  // IAM_OAUTH_REMOTE_KEY_SETS_H_
