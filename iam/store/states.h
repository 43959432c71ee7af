// The states and kinds the domain compares, as enums. Their names are the
// text the store keeps and the API shows; they are converted at those two
// edges (the row readers and writers, the proto conversions) and nowhere
// else.
#ifndef IAM_STORE_STATES_H_
#define IAM_STORE_STATES_H_

#include <optional>

#include "absl/strings/string_view.h"

namespace iam::store {

enum class AccountState { kActive, kSuspended, kClosed, kPurged };
enum class UserState { kActive, kDisabled };
// A person, or the service account of an OAuth client (which never logs in
// with a password: its client's credentials stand for it).
enum class UserKind { kHuman, kService };
// Whether an OAuth client may obtain tokens.
enum class ClientState { kActive, kDisabled };
// A device as the user's login history knows it.
enum class DeviceState { kKnown, kPending, kApproved, kRevoked };
// What a policy, a role or a tag can be bound to.
enum class PrincipalType { kUser, kGroup, kRole };

const char* Name(AccountState s);
const char* Name(UserState s);
const char* Name(UserKind k);
const char* Name(ClientState s);
const char* Name(DeviceState s);
const char* Name(PrincipalType t);

// nullopt for a name that is not one.
std::optional<AccountState> ParseAccountState(absl::string_view name);
std::optional<UserState> ParseUserState(absl::string_view name);
std::optional<UserKind> ParseUserKind(absl::string_view name);
std::optional<ClientState> ParseClientState(absl::string_view name);
std::optional<DeviceState> ParseDeviceState(absl::string_view name);
std::optional<PrincipalType> ParsePrincipalType(absl::string_view name);

}  // namespace iam::store

#endif  // IAM_STORE_STATES_H_
