#include "iam/store/mysql/mysql_errors.h"

#include "absl/strings/str_cat.h"

namespace iam::store::mysql {

ErrorClass Classify(int code) {
  switch (code) {
    case 1213:  // ER_LOCK_DEADLOCK; also Galera's certification failure
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1020:  // ER_CHECKREAD: record changed since last read
    case 1180:  // ER_ERROR_DURING_COMMIT (rolled back)
    case 1181:  // ER_ERROR_DURING_ROLLBACK
      return ErrorClass::kRetryable;

    case 1062:  // ER_DUP_ENTRY
    case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
    case 1451:  // ER_ROW_IS_REFERENCED_2
    case 1452:  // ER_NO_REFERENCED_ROW_2
    case 1644:  // ER_SIGNAL_EXCEPTION: our own triggers
    case 1406:  // ER_DATA_TOO_LONG
    case 1366:  // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (e.g. invalid UTF-8)
    case 1264:  // ER_WARN_DATA_OUT_OF_RANGE
    case 1048:  // ER_BAD_NULL_ERROR
    case 1292:  // ER_TRUNCATED_WRONG_VALUE
      return ErrorClass::kCaller;

    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2005:  // CR_UNKNOWN_HOST
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
    case 1927:  // ER_CONNECTION_KILLED
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1317:  // ER_QUERY_INTERRUPTED
      return ErrorClass::kConnection;

    default:
      // Read-only (1290, 1836, 1792), a Galera node that is not ready (1047),
      // access refused (1044, 1045, 1049), too many connections (1040, 1203),
      // and everything not named above.
      return ErrorClass::kUnavailable;
  }
}

bool HostCannotServe(int code) {
  if (Classify(code) == ErrorClass::kConnection) return true;
  switch (code) {
    case 1290:  // ER_OPTION_PREVENTS_STATEMENT (read_only)
    case 1836:  // ER_READ_ONLY_MODE
    case 1792:  // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    case 1047:  // ER_UNKNOWN_COM_ERROR: a Galera node not ready
    case 1040:  // ER_CON_COUNT_ERROR
    case 1203:  // ER_TOO_MANY_USER_CONNECTIONS
      return true;
    default:
      return false;
  }
}

absl::Status ToStatus(int code, absl::string_view sqlstate, absl::string_view trigger_text) {
  const std::string what = absl::StrCat("mysql error ", code, " (", sqlstate, ")");
  switch (Classify(code)) {
    case ErrorClass::kRetryable:
      return absl::AbortedError(what);
    case ErrorClass::kConnection:
      return absl::UnavailableError(absl::StrCat("the database connection was lost: ", what));
    case ErrorClass::kUnavailable:
      switch (code) {
        case 1044:
        case 1045:
        case 1049:
          return absl::UnavailableError(absl::StrCat("cannot use the MySQL database: ", what));
        case 1290:
        case 1836:
        case 1792:
          return absl::UnavailableError(absl::StrCat("the database is read-only: ", what));
        case 1047:
          return absl::UnavailableError(absl::StrCat("the database node is not ready: ", what));
        default:
          return absl::UnavailableError(absl::StrCat("the database cannot serve: ", what));
      }
    case ErrorClass::kCaller:
      break;
  }
  switch (code) {
    case 1062:
    case 1586:
      return absl::AlreadyExistsError(what);
    case 1644:
      return absl::FailedPreconditionError(absl::StrCat("mysql: ", trigger_text));
    case 1451:
    case 1452:
      return absl::FailedPreconditionError(what);
    default:
      return absl::InvalidArgumentError(absl::StrCat("a value does not fit its column: ", what));
  }
}

}  // namespace iam::store::mysql
