#include "common/cli/args.h"

#include <filesystem>

namespace wardsync::cli {

Result<Args> Args::Parse(const std::vector<std::string>& argv, const ArgSpec& spec) {
  Args a;
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (only_positional || arg.size() < 2 || arg.rfind("--", 0) != 0) {
      if (!only_positional && arg.size() >= 2 && arg[0] == '-' && arg[1] != '-' && arg != "-h") {
        return Status::Invalid("unknown option " + arg);
      }
      if (arg == "-h") {
        a.flags_.insert("help");
        continue;
      }
      a.positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (spec.flags.count(name)) {
      if (value) return Status::Invalid("option --" + name + " takes no value");
      a.flags_.insert(name);
    } else if (spec.options.count(name)) {
      if (!value) {
        if (i + 1 >= argv.size()) return Status::Invalid("option --" + name + " needs a value");
        value = argv[++i];
      }
      a.options_[name].push_back(*value);
    } else {
      return Status::Invalid("unknown option --" + name);
    }
  }
  return a;
}

std::vector<std::string> AbsolutizePaths(const std::vector<std::string>& argv, const ArgSpec& spec,
                                         const std::set<std::string>& path_options, bool positionals) {
  auto absolute_path = [](const std::string& p) {
    if (p.empty() || p[0] == '/') return p;
    std::error_code ec;
    auto abs = std::filesystem::absolute(p, ec);
    return ec ? p : abs.string();
  };
  // An option listed as "NAME=" takes NAME=PATH (e.g. --attach FIELD=FILE):
  // only the part after the first '=' is a path.
  auto assigned = [&](const std::string& option, const std::string& v) {
    if (!path_options.count(option + "=")) return absolute_path(v);
    const auto eq = v.find('=');
    return eq == std::string::npos ? v : v.substr(0, eq + 1) + absolute_path(v.substr(eq + 1));
  };
  auto absolute = absolute_path;
  std::vector<std::string> out = argv;
  bool only_positional = false;
  for (size_t i = 0; i < out.size(); ++i) {
    std::string& arg = out[i];
    if (only_positional || arg.size() < 2 || arg.rfind("--", 0) != 0) {
      if (positionals && arg != "-h") arg = absolute(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string name = arg.substr(2);
    if (auto eq = name.find('='); eq != std::string::npos) {
      const std::string option = name.substr(0, eq);
      if (path_options.count(option) || path_options.count(option + "=")) {
        arg = "--" + option + "=" + assigned(option, name.substr(eq + 1));
      }
      continue;
    }
    if (spec.options.count(name) && i + 1 < out.size()) {
      if (path_options.count(name) || path_options.count(name + "=")) out[i + 1] = assigned(name, out[i + 1]);
      ++i;
    }
  }
  return out;
}

std::optional<std::string> Args::Get(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  auto it = options_.find(name);
  return it == options_.end() ? std::vector<std::string>{} : it->second;
}

Result<std::string> Args::Require(const std::string& name) const {
  auto v = Get(name);
  if (!v) return Status::Invalid("missing required option --" + name);
  return *v;
}

Result<std::pair<std::string, std::string>> SplitAssignment(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::Invalid("--set expects NAME=VALUE, got \"" + text + "\"");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

}  // namespace wardsync::cli
