// The command table turned into CLI11's tree, and the values it parses.
#include <stdexcept>

#include "absl/strings/str_split.h"
#include "iam/cli/command.h"

namespace iam::cli {

namespace {

// A copy of `arg` changed by `change`.
template <typename F>
Arg Changed(Arg arg, F change) {
  change(arg);
  return arg;
}

}  // namespace

Arg Arg::Required() const {
  return Changed(*this, [](Arg& a) { a.required = true; });
}
Arg Arg::OneOf(std::vector<std::string> values) const {
  return Changed(*this, [&](Arg& a) { a.choices = std::move(values); });
}
Arg Arg::Range(int64_t lo, int64_t hi) const {
  return Changed(*this, [&](Arg& a) { a.min = lo, a.max = hi; });
}
Arg Arg::Default(int64_t value) const {
  return Changed(*this, [&](Arg& a) { a.show_default = true, a.default_number = value; });
}
Arg Arg::Count(int lo, int hi) const {
  return Changed(*this, [&](Arg& a) { a.min_count = lo, a.max_count = hi; });
}
Arg Arg::Into(std::string request_field) const {
  return Changed(*this, [&](Arg& a) { a.field = std::move(request_field); });
}

namespace {

Arg Make(std::string name, Arg::Kind kind, std::string help) {
  Arg a;
  a.name = std::move(name);
  a.kind = kind;
  a.help = std::move(help);
  return a;
}

// The value of a declared argument; anything else is a slip in a command.
template <typename Map>
const typename Map::mapped_type& Lookup(const Map& values, const std::string& name) {
  auto it = values.find(name);
  if (it == values.end()) {
    throw std::logic_error("iamctl: the command reads an argument it does not declare: " + name);
  }
  return it->second;
}

// The subcommand of `parent` named `name`, or null.
CLI::App* Find(CLI::App* parent, const std::string& name) {
  for (CLI::App* sub : parent->get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

}  // namespace

Arg Text(std::string name, std::string help) {
  return Make(std::move(name), Arg::Kind::kText, std::move(help));
}
Arg Texts(std::string name, std::string help) {
  return Make(std::move(name), Arg::Kind::kTexts, std::move(help));
}
Arg Flag(std::string name, std::string help) {
  return Make(std::move(name), Arg::Kind::kFlag, std::move(help));
}
Arg Number(std::string name, std::string help) {
  return Make(std::move(name), Arg::Kind::kNumber, std::move(help));
}
Arg AccountArg(std::string help) { return Text("--account", std::move(help)).Into("account_id"); }

const std::string& Args::operator[](const std::string& name) const { return Lookup(text_, name); }
const std::vector<std::string>& Args::List(const std::string& name) const {
  return Lookup(lists_, name);
}
bool Args::Flag(const std::string& name) const { return Lookup(flags_, name); }
int64_t Args::Number(const std::string& name) const { return Lookup(numbers_, name); }
bool Args::Given(const std::string& name) const { return Lookup(options_, name)->count() > 0; }

void Args::Bind(CLI::App* command, const Arg& arg) {
  CLI::Option* option = nullptr;
  switch (arg.kind) {
    case Arg::Kind::kText:
      option = command->add_option(arg.name, text_[arg.name], arg.help);
      break;
    case Arg::Kind::kTexts:
      option = command->add_option(arg.name, lists_[arg.name], arg.help);
      break;
    case Arg::Kind::kFlag:
      option = command->add_flag(arg.name, flags_[arg.name], arg.help);
      break;
    case Arg::Kind::kNumber:
      numbers_[arg.name] = arg.default_number;
      option = command->add_option(arg.name, numbers_[arg.name], arg.help);
      break;
  }
  if (arg.required) option->required();
  if (!arg.choices.empty()) option->check(CLI::IsMember(arg.choices));
  if (arg.max > arg.min) option->check(CLI::Range(arg.min, arg.max));
  if (arg.show_default) option->capture_default_str();
  if (arg.max_count > 0) option->expected(arg.min_count, arg.max_count);
  options_[arg.name] = option;
  declared_.push_back(arg);
}

void Args::Fill(google::protobuf::Message& request) const {
  using google::protobuf::FieldDescriptor;
  const auto* reflection = request.GetReflection();
  for (const Arg& arg : declared_) {
    if (arg.field.empty()) continue;
    const FieldDescriptor* f = request.GetDescriptor()->FindFieldByName(arg.field);
    const auto type = f == nullptr ? FieldDescriptor::CppType(0) : f->cpp_type();
    const bool repeated = f != nullptr && f->is_repeated();
    if (arg.kind == Arg::Kind::kText && type == FieldDescriptor::CPPTYPE_STRING && !repeated) {
      reflection->SetString(&request, f, (*this)[arg.name]);
    } else if (arg.kind == Arg::Kind::kTexts && type == FieldDescriptor::CPPTYPE_STRING &&
               repeated) {
      for (const auto& v : List(arg.name)) reflection->AddString(&request, f, v);
    } else if (arg.kind == Arg::Kind::kFlag && type == FieldDescriptor::CPPTYPE_BOOL) {
      reflection->SetBool(&request, f, Flag(arg.name));
    } else if (arg.kind == Arg::Kind::kNumber && type == FieldDescriptor::CPPTYPE_INT64) {
      reflection->SetInt64(&request, f, Number(arg.name));
    } else if (arg.kind == Arg::Kind::kNumber && type == FieldDescriptor::CPPTYPE_INT32) {
      reflection->SetInt32(&request, f, static_cast<int32_t>(Number(arg.name)));
    } else {
      throw std::logic_error("iamctl: " + arg.name + " cannot fill " +
                             request.GetDescriptor()->name() + "." + arg.field);
    }
  }
}

void AddCommands(CLI::App& app, const std::vector<Command>& table, Chosen* chosen) {
  for (const Command& command : table) {
    std::vector<std::string> words = absl::StrSplit(command.path, ' ');
    CLI::App* parent = &app;
    std::string path;
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      path += (path.empty() ? "" : " ") + words[i];
      CLI::App* noun = Find(parent, words[i]);
      if (noun == nullptr) {
        noun = parent->add_subcommand(words[i], NounHelp(path));
        noun->require_subcommand(1);
      }
      parent = noun;
    }
    CLI::App* leaf = parent->add_subcommand(words.back(), command.help);
    auto args = std::make_shared<Args>();
    for (const Arg& arg : command.args) args->Bind(leaf, arg);
    // A command may also be a noun ("configure", "configure list"): CLI11
    // runs the deepest callback first, and that one is the command.
    leaf->callback([chosen, &command, args] {
      if (chosen->command != nullptr) return;
      chosen->command = &command;
      chosen->args = args;
    });
  }
}

}  // namespace iam::cli
