#include "iam/cli/secret_input.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace iam::cli {

std::string ReadSecret(const std::string& prompt) {
  std::string line;
  if (!::isatty(STDIN_FILENO)) {
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  std::cerr << prompt << std::flush;
  termios old{};
  ::tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::getline(std::cin, line);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  return line;
}

}  // namespace iam::cli
