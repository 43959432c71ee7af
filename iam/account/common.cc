#include "iam/account/common.h"

#include "absl/strings/ascii.h"
#include "iam/common/status_macros.h"
#include "iam/store/authz_version_store.h"

namespace iam::account {

absl::StatusOr<std::string> ResolveAccountId(const Caller& caller, const std::string& requested) {
  if (requested.empty()) return caller.account_id;
  if (requested.size() != 12 || !std::all_of(requested.begin(), requested.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return absl::InvalidArgumentError("account_id: must be 12 digits");
  }
  return requested;
}

audit::Event AuditEvent(const Caller& caller, const std::string& account_id,
                        absl::string_view action, absl::string_view object_type,
                        absl::string_view object_id) {
  audit::Event e =
      audit::Event::By(caller.user_id.empty() ? "iamd" : caller.Arn(), account_id,
                       std::string(action), std::string(object_type), std::string(object_id));
  e.source_ip = caller.source_ip;
  e.user_agent = caller.user_agent;
  if (!caller.access_key_id.empty()) e.detail["credential"] = caller.access_key_id;
  return e;
}

audit::Event UserEvent(const std::string& actor, const store::UserRow& user,
                       absl::string_view action, const std::string& source_ip,
                       const std::string& user_agent) {
  audit::Event e = audit::Event::By(actor, user.account_id, std::string(action), "user", user.id);
  e.source_ip = source_ip;
  e.user_agent = user_agent;
  e.detail["username"] = user.username;
  return e;
}

}  // namespace iam::account
