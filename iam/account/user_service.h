// UserService: the users of an account: create, read, list, update, disable,
// enable, delete. Email and phone are sealed at rest and shown masked unless
// the caller asks and may see them. Every change writes its audit record in
// the same transaction. Thread-safe.
#ifndef IAM_ACCOUNT_USER_SERVICE_H_
#define IAM_ACCOUNT_USER_SERVICE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "iam/account/mutation.h"
#include "iam/account/common.h"
#include "iam/store/records.h"

namespace iam::account {

struct NewUser {
  std::string username;
  std::string display_name;
  std::string email;  // "" for none
  std::string phone;  // "" for none
  bool admin = false;
};

struct UserUpdate {
  std::optional<std::string> display_name;
  std::optional<std::string> email;  // "" clears
  std::optional<std::string> phone;  // "" clears
  std::optional<bool> admin;
};

struct UserView {
  store::UserRow row;
  std::string email;  // masked unless revealed
  std::string phone;
  bool revealed = false;
  bool password_at_risk = false;  // set by Get and List
};

// FAILED_PRECONDITION when `before` is the account's last active admin and
// would stop being one.
absl::Status KeepsAnAdmin(store::Tx& tx, const store::UserRow& before, bool still_admin);

// Removes a user and everything bound to it (memberships, keys, sessions,
// password, login state, factors, devices, policies, role assignments),
// inside a change.
absl::Status DeleteUserAndBindings(store::Tx& tx, const std::string& user_id);

// The username prefix of OAuth clients' service accounts; people cannot
// take it.
inline constexpr char kServiceAccountPrefix[] = "service-account-";

class UserService {
 public:
  UserService(store::Database& db, const Clock& clock, Random& random, const PiiCipher& pii,
              const Mutations& mutations)
      : db_(db), clock_(clock), random_(random), pii_(pii), mutations_(mutations) {}

  // ALREADY_EXISTS when the username is taken (regardless of case).
  absl::StatusOr<UserView> Create(const Caller& caller, const std::string& account_id,
                                  const NewUser& user);
  absl::StatusOr<UserView> Get(const Caller& caller, const std::string& account_id,
                               const std::string& username, bool reveal);
  absl::StatusOr<Listing<UserView>> List(const Caller& caller, const std::string& account_id,
                                         int page_size, const std::string& page_token, bool reveal);
  // FAILED_PRECONDITION when it would leave the account without an active admin.
  absl::StatusOr<UserView> Update(const Caller& caller, const std::string& account_id,
                                  const std::string& username, const UserUpdate& update);
  // FAILED_PRECONDITION for oneself or the last active admin.
  absl::StatusOr<UserView> Disable(const Caller& caller, const std::string& account_id,
                                   const std::string& username, const std::string& reason);
  absl::StatusOr<UserView> Enable(const Caller& caller, const std::string& account_id,
                                  const std::string& username);
  // Removes the user, its group memberships and its access keys.
  absl::Status Delete(const Caller& caller, const std::string& account_id,
                      const std::string& username);

  // Inserts a validated user inside tx (no authorization, no audit): the
  // shared step of CreateUser, CreateAccount and bootstrap.
  absl::StatusOr<store::UserRow> InsertInTx(store::Tx& tx, const std::string& account_id,
                                            const NewUser& user) const;

  // Masked (or revealed) view of a row. DATA_LOSS if a sealed field does not open.
  absl::StatusOr<UserView> View(const store::UserRow& row, bool reveal) const;

 private:
  // Authorizes, resolves the account and validates the username.
  // An operation on one user, the username checked.
  static Operation On(absl::string_view action, const std::string& account_id,
                      const std::string& username);
  absl::StatusOr<UserView> SetState(const Caller& caller, const std::string& account_id,
                                    const std::string& username, absl::string_view action,
                                    store::UserState state, const std::string& reason);

  // Seals email and phone into the row (or clears them).
  absl::Status SealPii(store::UserRow& row, const std::optional<std::string>& email,
                       const std::optional<std::string>& phone) const;

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const PiiCipher& pii_;
  const Mutations& mutations_;
};
absl::Status ValidateNewUser(const NewUser& user);

}  // namespace iam::account

#endif  // IAM_ACCOUNT_USER_SERVICE_H_
