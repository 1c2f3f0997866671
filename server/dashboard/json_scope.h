// Ward scoping of admin-command JSON output for an account limited to some
// wards: the commands know nothing of dashboard accounts, so the dashboard
// keeps only the items of the wards the account may see.
#pragma once
#include <string>

#include "common/status.h"
#include "server/accounts/user_store.h"

namespace wardsync::server::dashboard {

// `json` is an array of objects (or an object whose member `member` is one);
// keeps the items whose string member `ward_key` is a ward in scope. With
// `member` set, drops every other top-level member for a limited scope
// (city-wide figures would tell about other wards).
Result<std::string> KeepWards(const std::string& json, const accounts::WardScope& scope, const std::string& ward_key,
                              const std::string& member = "");
// The string member `key` of a JSON object ("" when absent).
Result<std::string> StringMember(const std::string& json, const std::string& key);
// A JSON array holds an object whose string member `key` is `value`.
Result<bool> ArrayHas(const std::string& json, const std::string& key, const std::string& value);
// Concatenates JSON arrays (one command run per ward).
Result<std::string> JoinArrays(const std::vector<std::string>& arrays);

}  // namespace wardsync::server::dashboard
