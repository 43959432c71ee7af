#include "iam/account/service_context.h"

#include "absl/strings/ascii.h"

namespace iam::account {

absl::StatusOr<std::string> ResolveAccountId(const Caller& caller, const std::string& requested) {
  if (requested.empty()) return caller.account_id;
  if (requested.size() != 12 ||
      !std::all_of(requested.begin(), requested.end(),
                   [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); })) {
    return absl::InvalidArgumentError("account_id: must be 12 digits");
  }
  return requested;
}

audit::Event AuditEvent(const Caller& caller, const std::string& account_id,
                        absl::string_view action, absl::string_view object_type,
                        absl::string_view object_id) {
  audit::Event e;
  e.account_id = account_id;
  e.actor = caller.user_id.empty() ? "iamd" : caller.Arn();
  e.action = std::string(action);
  e.object_type = std::string(object_type);
  e.object_id = std::string(object_id);
  e.source_ip = caller.source_ip;
  e.user_agent = caller.user_agent;
  if (!caller.access_key_id.empty()) e.detail["credential"] = caller.access_key_id;
  return e;
}

}  // namespace iam::account
