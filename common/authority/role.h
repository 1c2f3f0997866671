// Who may do what, decided once for the client (which checks before it
// signs, so an honest device never makes what the server would refuse) and
// the server (which enforces it on every change, whatever the client did).
// Roles travel as text (enrollment codes, Device.role, ClientConfig.role);
// they are parsed here at the boundary and compared as an enum.
//   officer : creates, edits and deletes records of its own ward
//   reviewer: resolves conflicts in every ward; no other writes
//   admin   : everything
//   server  : the server's own signing identity (resolutions decided on
//             the server); never given to a device
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace wardsync::authority {

enum class Role { kOfficer, kReviewer, kAdmin, kServer };

// nullopt for any other text (also "").
std::optional<Role> ParseRole(std::string_view text);
std::string_view RoleName(Role role);

// The roles an enrollment code may carry ("server" is not one of them).
bool IsEnrollableRole(std::string_view text);
inline constexpr std::string_view kEnrollableRoles = "officer, reviewer or admin";

// CREATE / UPDATE / DELETE.
bool MayWriteRecords(Role role);
// RESOLVE.
bool MayResolve(Role role);
// Writes (and reads) only records of its own ward.
bool BoundToWard(Role role);

// The server's own identity (not a device of the committee).
bool IsServerRole(std::string_view role_text);

// Text helpers for the stored role string: an unknown role may do nothing.
bool MayWriteRecords(std::string_view role_text);
bool MayResolve(std::string_view role_text);
bool BoundToWard(std::string_view role_text);

// Which wards a device may read: its own ward when bound to it, else ""
// (every ward).
std::string ReadScope(std::string_view role_text, const std::string& ward);

}  // namespace wardsync::authority
