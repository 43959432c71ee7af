// iamctl completion bash|zsh: a completion script generated from the
// command table, so that it never lists a command that does not exist or
// misses one that does. It completes the nouns and verbs, each command's
// options, and the values of options that take one of a few choices.
// zsh runs the same function through its bash completion layer.
#include <iostream>
#include <map>
#include <set>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/cli/commands.h"

namespace iam::cli {
namespace {

// The options iamctl_main.cc declares before any command.
const std::vector<std::string> kGlobalOptions = {
    "--address", "--profile", "--access-key-file", "-o", "--output", "--tls",
    "--ca-file", "--timeout", "--help", "--version"};
const std::vector<std::string> kOutputs = {"table", "json", "yaml", "csv"};

// A bash word list in single quotes (command words and choices have no
// quote of their own; the table is ours).
std::string Quoted(const std::set<std::string>& words) {
  return "'" + absl::StrJoin(words, " ") + "'";
}

int PrintScript(Context&, const Args& a) {
  // Completions after each path ("" is the top); choices after an option
  // of a path ("user create --x").
  std::map<std::string, std::set<std::string>> next;
  std::map<std::string, std::set<std::string>> choices;
  next[""].insert(kGlobalOptions.begin(), kGlobalOptions.end());
  for (const char* o : {"-o", "--output"}) {
    choices[std::string(" ") + o].insert(kOutputs.begin(), kOutputs.end());
  }
  for (const Command& command : CommandTable()) {
    std::vector<std::string> words = absl::StrSplit(command.path, ' ');
    std::string path;
    for (const std::string& w : words) {
      next[path].insert(w);
      path += (path.empty() ? "" : " ") + w;
    }
    std::set<std::string>& here = next[path];
    here.insert("--help");
    for (const Arg& arg : command.args) {
      const bool option = arg.name.rfind("-", 0) == 0;
      // "-f,--file": each spelling is offered.
      if (option) {
        for (auto name : absl::StrSplit(arg.name, ',')) here.insert(std::string(name));
      }
      if (arg.choices.empty()) continue;
      if (option) {
        choices[path + " " + arg.name].insert(arg.choices.begin(), arg.choices.end());
      } else {
        // A positional with choices ("account get-policy KIND"): offered
        // with the options.
        here.insert(arg.choices.begin(), arg.choices.end());
      }
    }
  }
  const bool zsh = a["shell"] == "zsh";
  if (zsh) {
    std::cout << "#compdef iamctl\n"
                 "# iamctl completion for zsh (through bashcompinit): eval \"$(iamctl "
                 "completion zsh)\"\n"
                 "autoload -U +X bashcompinit && bashcompinit\n";
  } else {
    std::cout << "# iamctl completion for bash: eval \"$(iamctl completion bash)\", or save it\n"
                 "# as /etc/bash_completion.d/iamctl\n";
  }
  std::cout << "declare -gA _iamctl_next=(\n";
  for (const auto& [path, words] : next) {
    std::cout << "  [" << (path.empty() ? "_" : "'" + path + "'") << "]=" << Quoted(words) << "\n";
  }
  std::cout << ")\ndeclare -gA _iamctl_choices=(\n";
  for (const auto& [key, words] : choices) {
    std::cout << "  ['" << key << "']=" << Quoted(words) << "\n";
  }
  std::cout << R"()
_iamctl() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local path='' key w i
  # The command path: the words so far that extend a known path.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    [[ $w == -* ]] && continue
    key=${path:+$path }$w
    [[ -n ${_iamctl_next[$key]+x} ]] && path=$key
  done
  if [[ -n ${_iamctl_choices["$path $prev"]+x} ]]; then
    COMPREPLY=($(compgen -W "${_iamctl_choices["$path $prev"]}" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -W "${_iamctl_next[${path:-_}]}" -- "$cur"))
}
complete -F _iamctl iamctl
)";
  return 0;
}

}  // namespace

std::vector<Command> CompletionCommands() {
  return {{"completion", "print a shell completion script: eval \"$(iamctl completion bash)\"",
           {Text("shell").Required().OneOf({"bash", "zsh"})},
           PrintScript}};
}

}  // namespace iam::cli
