// iamctl: the administrators' command-line tool for iamd.
#include <CLI/CLI.hpp>
#include <iostream>

#include "iam/cli/commands.h"
#include "iam/cli/context.h"
#include "iam/common/process_metrics.h"

int main(int argc, char** argv) {
  iam::cli::Options options;
  CLI::App app{"iamctl: manage accounts, users, groups, keys, logins and sessions of an iamd"};
  app.set_version_flag("--version", "iamctl " + iam::BuildVersion());
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--address", options.address,
                 "iamd gRPC address (IAMCTL_ADDRESS, profile; default 127.0.0.1:50051)");
  app.add_option("--profile", options.profile, "profile in ~/.config/iamctl/config")
      ->envname("IAMCTL_PROFILE");
  app.add_option("--access-key-file", options.access_key_file,
                 "file holding '<key id>.<secret>' (else IAMCTL_ACCESS_KEY, else the profile's "
                 "login session or key)");
  app.add_option("-o,--output", options.output,
                 "table, json, yaml, or csv (export permissions, audit query and export)")
      ->check(CLI::IsMember({"table", "json", "yaml", "csv"}));
  app.add_flag("--tls", options.tls, "connect with TLS");
  app.add_option("--ca-file", options.ca_file, "CA bundle to verify the server (implies --tls)");
  app.add_option("--timeout", options.timeout_seconds, "seconds per call")
      ->check(CLI::Range(1, 3600));

  const std::vector<iam::cli::Command> table = iam::cli::CommandTable();
  iam::cli::Chosen chosen;
  iam::cli::AddCommands(app, table, &chosen);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "iamctl: " << e.what() << "\n";
    return 2;
  }
  iam::cli::Context context(options);
  if (auto s = context.Init(); !s.ok()) return iam::cli::Fail(s);
  return chosen.command ? chosen.command->run(context, *chosen.args) : 2;
}
