#include "iam/store/states.h"

#include <array>
#include <utility>

namespace iam::store {
namespace {

// One table per enum, in declaration order: names and parsing derive from it.
template <typename E, size_t N>
using Names = std::array<std::pair<E, const char*>, N>;

constexpr Names<AccountState, 4> kAccountStates{{{AccountState::kActive, "active"},
                                                 {AccountState::kSuspended, "suspended"},
                                                 {AccountState::kClosed, "closed"},
                                                 {AccountState::kPurged, "purged"}}};
constexpr Names<UserState, 2> kUserStates{
    {{UserState::kActive, "active"}, {UserState::kDisabled, "disabled"}}};
constexpr Names<UserKind, 2> kUserKinds{{{UserKind::kHuman, "human"}, {UserKind::kService, "service"}}};
constexpr Names<ClientState, 2> kClientStates{
    {{ClientState::kActive, "active"}, {ClientState::kDisabled, "disabled"}}};
constexpr Names<DeviceState, 4> kDeviceStates{{{DeviceState::kKnown, "known"},
                                               {DeviceState::kPending, "pending"},
                                               {DeviceState::kApproved, "approved"},
                                               {DeviceState::kRevoked, "revoked"}}};
constexpr Names<PrincipalType, 3> kPrincipalTypes{{{PrincipalType::kUser, "user"},
                                                   {PrincipalType::kGroup, "group"},
                                                   {PrincipalType::kRole, "role"}}};

template <typename E, size_t N>
const char* NameIn(const Names<E, N>& names, E value) {
  for (const auto& [e, name] : names) {
    if (e == value) return name;
  }
  return "";
}

template <typename E, size_t N>
std::optional<E> ParseIn(const Names<E, N>& names, absl::string_view text) {
  for (const auto& [e, name] : names) {
    if (text == name) return e;
  }
  return std::nullopt;
}

}  // namespace

const char* Name(AccountState s) { return NameIn(kAccountStates, s); }
const char* Name(UserState s) { return NameIn(kUserStates, s); }
const char* Name(UserKind k) { return NameIn(kUserKinds, k); }
const char* Name(ClientState s) { return NameIn(kClientStates, s); }
const char* Name(DeviceState s) { return NameIn(kDeviceStates, s); }
const char* Name(PrincipalType t) { return NameIn(kPrincipalTypes, t); }

std::optional<AccountState> ParseAccountState(absl::string_view n) {
  return ParseIn(kAccountStates, n);
}
std::optional<UserState> ParseUserState(absl::string_view n) { return ParseIn(kUserStates, n); }
std::optional<UserKind> ParseUserKind(absl::string_view n) { return ParseIn(kUserKinds, n); }
std::optional<ClientState> ParseClientState(absl::string_view n) {
  return ParseIn(kClientStates, n);
}
std::optional<DeviceState> ParseDeviceState(absl::string_view n) {
  return ParseIn(kDeviceStates, n);
}
std::optional<PrincipalType> ParsePrincipalType(absl::string_view n) {
  return ParseIn(kPrincipalTypes, n);
}

}  // namespace iam::store
