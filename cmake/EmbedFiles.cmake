# Writes OUTPUT, a C++ source defining iam::web::EmbeddedFiles(): each file
# under DIR (relative path -> bytes), so that iamd carries its page
# templates and message catalogs with it. Run at build time by the
# custom command in iam/web/CMakeLists.txt; -DDIR= -DOUTPUT= -DFILES=
# (paths relative to DIR, separated by |).
string(REPLACE "|" ";" FILES "${FILES}")
set(body "")
set(index 0)
foreach(rel IN LISTS FILES)
  file(READ "${DIR}/${rel}" hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR size "${hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "const unsigned char kFile${index}[] = {${bytes}0x00};\n")
  string(APPEND entries "      {\"${rel}\", std::string(reinterpret_cast<const char*>(kFile${index}), ${size})},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE "${OUTPUT}.tmp"
"// Generated from iam/web/{templates,messages}: do not edit.
#include <map>
#include <string>

namespace iam::web {
namespace {
${body}
}  // namespace

const std::map<std::string, std::string>& EmbeddedFiles() {
  static const auto* files = new std::map<std::string, std::string>{
${entries}  };
  return *files;
}

}  // namespace iam::web
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
