// An iamctl command as data: its path ("group add-member"), its help, the
// arguments it takes, and what it does with them. The command files
// (*_commands.cc) each return a list of these; AddCommands turns the whole
// table into the CLI11 tree. A noun is created the first time a command
// names it, so no list depends on another having been added first.
//
// Most commands send one request and show the answer: Call() builds that
// from a request builder and a table printer. Render (render.cc) is the one
// place that chooses between the error, JSON, CSV and the table.
#ifndef IAM_CLI_COMMAND_H_
#define IAM_CLI_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "iam/cli/context.h"

namespace iam::cli {

// One argument: a positional ("username") or an option ("--account").
struct Arg {
  enum class Kind { kText, kTexts, kFlag, kNumber };
  std::string name;
  Kind kind = Kind::kText;
  std::string help;
  bool required = false;
  std::vector<std::string> choices;  // empty: any text
  int64_t min = 0, max = 0;          // a number's range, when max > min
  bool show_default = false;         // a number's default in the help
  int64_t default_number = 0;
  int min_count = 0, max_count = 0;  // how many values a positional list takes
  std::string field;                 // the request field the value fills, if any

  Arg Required() const;
  Arg OneOf(std::vector<std::string> values) const;
  Arg Range(int64_t lo, int64_t hi) const;
  Arg Default(int64_t value) const;  // shown in the help
  Arg Count(int lo, int hi) const;
  // The value fills this field of the request (a string, bool or integer
  // field, or a repeated string for a repeatable argument).
  Arg Into(std::string request_field) const;
};

Arg Text(std::string name, std::string help = "");
Arg Texts(std::string name, std::string help = "");  // repeatable
Arg Flag(std::string name, std::string help = "");
Arg Number(std::string name, std::string help = "");
// --account, which every account-scoped command takes, into account_id.
Arg AccountArg(std::string help = "account id (default: your own)");

// `args`, then `more`: one command's list built from shared pieces.
inline std::vector<Arg> Joined(std::vector<Arg> args, const std::vector<Arg>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The values the command line gave, by argument name. Reading a name the
// command did not declare is a programming error and throws.
class Args {
 public:
  const std::string& operator[](const std::string& name) const;
  const std::vector<std::string>& List(const std::string& name) const;
  bool Flag(const std::string& name) const;
  int64_t Number(const std::string& name) const;
  // Whether the argument was on the command line at all (`--email ""` was).
  bool Given(const std::string& name) const;
  // Whether the command declares the argument.
  bool Has(const std::string& name) const { return options_.count(name) > 0; }

  // Declares `arg` on `command`, storing its value here.
  void Bind(CLI::App* command, const Arg& arg);
  // Copies the value of every argument declared Into() a field into
  // `request`.
  void Fill(google::protobuf::Message& request) const;

 private:
  std::map<std::string, std::string> text_;
  std::map<std::string, std::vector<std::string>> lists_;
  std::map<std::string, bool> flags_;
  std::map<std::string, int64_t> numbers_;
  std::map<std::string, const CLI::Option*> options_;
  std::vector<Arg> declared_;
};

using Run = std::function<int(Context&, const Args&)>;

struct Command {
  std::string path;  // words from the top: "account set-password-policy"
  std::string help;
  std::vector<Arg> args;
  Run run;
};

// The help line of a noun ("account", "password", ...), from one table.
const std::string& NounHelp(const std::string& path);

// The command the command line chose, once it has parsed.
struct Chosen {
  const Command* command = nullptr;
  std::shared_ptr<Args> args;
};

// Adds every command of `table` under `app`; `table` outlives the parse.
void AddCommands(CLI::App& app, const std::vector<Command>& table, Chosen* chosen);

// The end of every command: the error, or the message as JSON, or CSV when
// asked for and the command has a CSV form, or the table.
int Render(Context& c, const grpc::Status& s, const google::protobuf::Message& m,
           const std::function<void()>& table, const std::function<void()>& csv = nullptr);

// A bad argument found while building a request: "iamctl: <message>", exit
// code 2 (1 when a named file could not be read).
int Refuse(const absl::Status& status);

// The stub a method belongs to.
inline v1::AdminService::Stub& StubOf(Context& c, v1::AdminService::Stub*) { return c.admin(); }
inline v1::AuthService::Stub& StubOf(Context& c, v1::AuthService::Stub*) { return c.auth(); }
inline v1::AuthzService::Stub& StubOf(Context& c, v1::AuthzService::Stub*) { return c.authz(); }
inline v1::AuditService::Stub& StubOf(Context& c, v1::AuditService::Stub*) { return c.audit(); }

template <typename Stub, typename Req, typename Resp>
using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Req&, Resp*);

// One unary call, with the context's credentials and deadline, on whichever
// service the method belongs to.
template <typename Stub, typename Req, typename Resp>
grpc::Status Invoke(Context& c, Method<Stub, Req, Resp> method, const Req& req, Resp* resp) {
  auto call = c.NewCall();
  return (StubOf(c, static_cast<Stub*>(nullptr)).*method)(call.get(), req, resp);
}

// Calls a List RPC page after page and gathers every page into *all.
template <typename Stub, typename Req, typename Resp>
grpc::Status ListAll(Context& c, Method<Stub, Req, Resp> method, Req req, Resp* all) {
  req.set_page_size(1000);
  do {
    Resp page;
    grpc::Status s = Invoke(c, method, req, &page);
    if (!s.ok()) return s;
    all->MergeFrom(page);  // repeated fields append
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  all->clear_next_page_token();
  return grpc::Status::OK;
}

// Fills the request: first the fields the arguments fill by name, then
// build(args, request), which returns nothing or an absl::Status whose
// refusal ends the command.
template <typename B, typename Req>
absl::Status Fill(const B& build, const Args& a, Req& q) {
  a.Fill(q);
  if constexpr (std::is_void_v<decltype(build(a, q))>) {
    build(a, q);
    return absl::OkStatus();
  } else {
    return build(a, q);
  }
}

// A request the arguments fill on their own.
inline constexpr auto kByName = [](const Args&, auto&) {};

// A command that fills one request, sends it with send(context, request,
// &response) and shows the answer in table form with show(args, response).
// `parts` is (build, show), or (show) when the arguments fill the request
// on their own.
template <typename Req, typename Resp, typename Send, typename... Parts>
Run Exchange(Send send, Parts... parts) {
  static_assert(sizeof...(Parts) == 1 || sizeof...(Parts) == 2, "(build, show) or (show)");
  auto [build, show] = [&] {
    if constexpr (sizeof...(Parts) == 1) {
      return std::make_tuple(kByName, parts...);
    } else {
      return std::make_tuple(parts...);
    }
  }();
  return [send, build, show](Context& c, const Args& a) {
    Req q;
    if (absl::Status st = Fill(build, a, q); !st.ok()) return Refuse(st);
    Resp r;
    grpc::Status s = send(c, q, &r);
    return Render(c, s, r, [&] { show(a, r); });
  };
}

// One unary call.
template <typename Stub, typename Req, typename Resp, typename... Parts>
Run Call(Method<Stub, Req, Resp> method, Parts... parts) {
  return Exchange<Req, Resp>(
      [method](Context& c, const Req& q, Resp* r) { return Invoke(c, method, q, r); }, parts...);
}

// A List RPC, every page.
template <typename Stub, typename Req, typename Resp, typename... Parts>
Run CallAll(Method<Stub, Req, Resp> method, Parts... parts) {
  return Exchange<Req, Resp>(
      [method](Context& c, const Req& q, Resp* r) { return ListAll(c, method, q, r); },
      parts...);
}

// A repeated field holding one message, for printers of lists.
template <typename T>
google::protobuf::RepeatedPtrField<T> One(const T& item) {
  google::protobuf::RepeatedPtrField<T> one;
  *one.Add() = item;
  return one;
}

// A table form that is one line: line(args, response).
template <typename L>
requires(!std::is_convertible_v<L, std::string>) auto Says(L line) {
  return [line](const Args& a, const auto& r) { std::cout << line(a, r) << "\n"; };
}
// A table form that is always the same line.
inline auto Says(std::string line) {
  return [line](const Args&, const auto&) { std::cout << line << "\n"; };
}

}  // namespace iam::cli

#endif  // IAM_CLI_COMMAND_H_
