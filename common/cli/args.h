// A small, strict command-line parser shared by both binaries.
//   --name value | --name=value   option with a value (may repeat)
//   --flag                        boolean flag (declared as such)
//   anything else                 positional
// Unknown options are errors, so a typo never silently changes behaviour.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace wardsync::cli {

struct ArgSpec {
  std::set<std::string> options;   // take a value, e.g. "data", "set"
  std::set<std::string> flags;     // booleans, e.g. "json", "help"
};

class Args {
 public:
  static Result<Args> Parse(const std::vector<std::string>& argv, const ArgSpec& spec);

  bool Flag(const std::string& name) const { return flags_.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  // The value or a clear error naming the missing option.
  Result<std::string> Require(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> options_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

// "NAME=VALUE" (as --set takes it) -> {NAME, VALUE}; VALUE may be empty.
Result<std::pair<std::string, std::string>> SplitAssignment(const std::string& text);
// argv with the values of `path_options` (and every positional, if
// `positionals`) made absolute against this process's working directory:
// a command forwarded over a control socket runs in another process, with
// another working directory. Tokens are classified exactly as Parse does.
// An entry "NAME=" in path_options: --NAME takes KEY=PATH, and only PATH is
// made absolute (`wardsync new --attach FIELD=FILE`).
std::vector<std::string> AbsolutizePaths(const std::vector<std::string>& argv, const ArgSpec& spec,
                                         const std::set<std::string>& path_options, bool positionals);

}  // namespace wardsync::cli
