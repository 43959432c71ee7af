#include "iam/server/proto_convert.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_split.h"
#include "iam/account/caller.h"

namespace iam::server {

google::protobuf::Timestamp TimestampOf(int64_t ms) {
  return google::protobuf::util::TimeUtil::MillisecondsToTimestamp(ms);
}
namespace {

void SetTime(int64_t ms, google::protobuf::Timestamp* t) {
  *t = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(ms);
}

v1::AccountState AccountState(store::AccountState s) {
  switch (s) {
    case store::AccountState::kActive:
      return v1::ACCOUNT_STATE_ACTIVE;
    case store::AccountState::kSuspended:
      return v1::ACCOUNT_STATE_SUSPENDED;
    case store::AccountState::kClosed:
      return v1::ACCOUNT_STATE_CLOSED;
    case store::AccountState::kPurged:
      return v1::ACCOUNT_STATE_PURGED;
  }
  return v1::ACCOUNT_STATE_UNSPECIFIED;
}

}  // namespace

void ToProto(const store::AccountRow& a, int64_t purge_time_ms, v1::Account* out) {
  out->set_id(a.id);
  out->set_name(a.name);
  out->set_display_name(a.display_name);
  out->set_state(AccountState(a.state));
  out->set_system(a.is_system);
  SetTime(a.created_at, out->mutable_create_time());
  SetTime(a.updated_at, out->mutable_update_time());
  if (a.closed_at) {
    SetTime(*a.closed_at, out->mutable_close_time());
    if (a.state == store::AccountState::kClosed) SetTime(purge_time_ms, out->mutable_purge_time());
  }
  if (a.purged_at) SetTime(*a.purged_at, out->mutable_purge_time());
}

void ToProto(const account::UserView& v, v1::User* out) {
  const store::UserRow& u = v.row;
  out->set_id(u.id);
  out->set_account_id(u.account_id);
  out->set_username(u.username);
  out->set_display_name(u.display_name);
  out->set_email(v.email);
  out->set_phone(v.phone);
  out->set_pii_revealed(v.revealed);
  out->set_state(u.state == store::UserState::kActive ? v1::USER_STATE_ACTIVE
                                                      : v1::USER_STATE_DISABLED);
  out->set_admin(u.is_admin);
  out->set_password_at_risk(v.password_at_risk);
  out->set_service_account(u.kind == store::UserKind::kService);
  out->set_arn(account::UserArn(u.account_id, u.username));
  SetTime(u.created_at, out->mutable_create_time());
  SetTime(u.updated_at, out->mutable_update_time());
}

void ToProto(const store::GroupRow& g, v1::Group* out) {
  out->set_id(g.id);
  out->set_account_id(g.account_id);
  out->set_name(g.name);
  out->set_description(g.description);
  out->set_arn(account::GroupArn(g.account_id, g.name));
  SetTime(g.created_at, out->mutable_create_time());
}

void ToProto(const account::AccessKeyView& v, v1::AccessKey* out) {
  const store::AccessKeyRow& k = v.row;
  out->set_id(k.id);
  out->set_account_id(k.account_id);
  out->set_user_id(k.user_id);
  out->set_username(v.username);
  out->set_description(k.description);
  out->set_state(v.state == "active"    ? v1::ACCESS_KEY_STATE_ACTIVE
                 : v.state == "revoked" ? v1::ACCESS_KEY_STATE_REVOKED
                                        : v1::ACCESS_KEY_STATE_EXPIRED);
  for (absl::string_view c : absl::StrSplit(k.allowed_cidrs, ',', absl::SkipEmpty())) {
    out->add_allowed_cidrs(std::string(c));
  }
  SetTime(k.created_at, out->mutable_create_time());
  if (k.expires_at) SetTime(*k.expires_at, out->mutable_expire_time());
  if (k.revoked_at) SetTime(*k.revoked_at, out->mutable_revoke_time());
}

}  // namespace iam::server
