// iamctl's output formats: JSON (the API's messages, proto field names),
// the same as YAML, and aligned text tables. Writes to stdout.
#ifndef IAM_CLI_OUTPUT_H_
#define IAM_CLI_OUTPUT_H_

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <vector>

namespace iam::cli {

void PrintJson(const google::protobuf::Message& message);
// The message as PrintJson gives it, in YAML (block style; strings that
// YAML would read as something else are quoted).
void PrintYaml(const google::protobuf::Message& message);
void PrintTable(const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows);
// RFC 3339, or "-" when unset.
std::string FormatTime(const google::protobuf::Timestamp& t, bool set);
// One CSV field (RFC 4180 quoting). A field a spreadsheet would run as a
// formula (=, +, -, @, tab or CR first) is prefixed with ' and quoted.
std::string CsvField(const std::string& field);
// "ACCOUNT_STATE_ACTIVE" -> "active".
std::string EnumLabel(const std::string& name);

}  // namespace iam::cli

#endif  // IAM_CLI_OUTPUT_H_
