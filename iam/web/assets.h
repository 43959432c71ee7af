// PageAssets: the page templates (templates/*.html) and message catalogs
// (messages/<locale>.json) the web pages are made of. They are files in
// this directory, built into iamd so that it runs without them on disk; a
// deployment may point web.assets_dir at a copy of the directory to
// change them, and a file found there replaces the built-in one of the
// same name. Immutable after Load; thread-safe.
#ifndef IAM_WEB_ASSETS_H_
#define IAM_WEB_ASSETS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace iam::web {

// Generated at build time from this directory (cmake/EmbedFiles.cmake).
const std::map<std::string, std::string>& EmbeddedFiles();

class PageAssets {
 public:
  // The built-in files, each replaced by its namesake under `override_dir`
  // when that is set. INVALID_ARGUMENT naming the file for one that cannot
  // be read or is not valid UTF-8.
  static absl::StatusOr<PageAssets> Load(const std::string& override_dir = "");

  // "templates/login.html"; null when there is none.
  const std::string* File(const std::string& relative_path) const;
  // Relative paths under a directory ("templates/"), sorted.
  std::vector<std::string> List(const std::string& prefix) const;

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace iam::web

#endif  // IAM_WEB_ASSETS_H_
