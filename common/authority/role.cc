#include "common/authority/role.h"

namespace wardsync::authority {

std::optional<Role> ParseRole(std::string_view text) {
  if (text == "officer") return Role::kOfficer;
  if (text == "reviewer") return Role::kReviewer;
  if (text == "admin") return Role::kAdmin;
  if (text == "server") return Role::kServer;
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOfficer: return "officer";
    case Role::kReviewer: return "reviewer";
    case Role::kAdmin: return "admin";
    case Role::kServer: return "server";
  }
  return "";
}

bool IsEnrollableRole(std::string_view text) {
  auto role = ParseRole(text);
  return role.has_value() && *role != Role::kServer;
}

bool MayWriteRecords(Role role) { return role == Role::kOfficer || role == Role::kAdmin || role == Role::kServer; }

bool MayResolve(Role role) { return role == Role::kReviewer || role == Role::kAdmin || role == Role::kServer; }

bool BoundToWard(Role role) { return role == Role::kOfficer; }

bool IsServerRole(std::string_view role_text) { return ParseRole(role_text) == Role::kServer; }

bool MayWriteRecords(std::string_view role_text) {
  auto role = ParseRole(role_text);
  return role.has_value() && MayWriteRecords(*role);
}

bool MayResolve(std::string_view role_text) {
  auto role = ParseRole(role_text);
  return role.has_value() && MayResolve(*role);
}

bool BoundToWard(std::string_view role_text) {
  auto role = ParseRole(role_text);
  return role.has_value() && BoundToWard(*role);
}

std::string ReadScope(std::string_view role_text, const std::string& ward) {
  return BoundToWard(role_text) ? ward : "";
}

}  // namespace wardsync::authority
