// The officer app's attachment upload: POST /api/attachments?form=F&field=
// NAME&name=FILENAME with the file's raw bytes as the body and its media
// type as Content-Type (the guard in ui_server.cc has already checked the
// Host, the session and the anti-CSRF token).
//
// What is refused, before anything is stored, each with a JSON error
// {"error", "code", "params"} the page words in the officer's language:
//   unknown_form / unknown_field (404), not_attachment (400), media_type
//   (415: a type the field does not allow), length_required (411: the body
//   must say its length), empty (400), too_large (413: over the field's
//   max_bytes, answered from Content-Length before a byte of the body is
//   read), not_media / magic (422: the first bytes are no JPEG/PNG/PDF, or
//   not the type claimed), invalid (422: anything else CopyIn refuses, e.g.
//   the name).
// The bytes are spooled to DIR/ui-uploads (never held in memory whole), then
// go through attach::CopyIn, the function `wardsync new --attach` uses, into
// DIR/attachments. The reply (201) is the attachment value the form submits
// as the field's value: {"sha256", "size", "media_type", "name"}.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include <vector>

#include "client/cli/client_env.h"
#include "client/ui/field_check.h"
#include "client/ui/ui_api.h"

namespace wardsync::client::ui {

struct UploadRequest {
  std::string form, field, name;      // the query's parameters
  std::string content_type;           // without parameters ("; charset=...")
  std::optional<uint64_t> length;     // Content-Length, if given
};

// Hands the body to `chunk` piece by piece until it returns false or the
// body ends; false if the body could not be read (cut connection).
using BodyChunk = std::function<bool(const char* data, size_t size)>;
using BodyReader = std::function<bool(const BodyChunk& chunk)>;

class AttachmentIntake {
 public:
  explicit AttachmentIntake(ClientEnv& env) : env_(env) {}

  ApiReply Receive(const UploadRequest& request, const BodyReader& read);

  // Removes spool files a crash left behind (the agent calls it at start,
  // when no upload can be in flight).
  void Sweep();

 private:
  std::string SpoolPath();

  ClientEnv& env_;
  std::mutex copy_mu_;  // one CopyIn at a time: two uploads of the same bytes share a temporary name
  std::atomic<uint64_t> seq_{0};  // spool names
};

// A saved form may name only attachments this device holds (an upload put
// them in DIR/attachments): bytes no device has could never reach the
// committee. One problem per attachment value among `texts` that is not here.
std::vector<FieldProblem> UnheldAttachments(const wardsync::forms::FormDef& form, const forms_util::NamedTexts& texts,
                                            const std::string& attachments_dir);

}  // namespace wardsync::client::ui
