// `conflicts`: the review queue - every open conflict, with its candidates
// numbered as `resolve --pick N` takes them.
#include "common/util/json_writer.h"
#include "server/admin/command.h"
#include "common/render/conflict_render.h"
#include "server/audit/conflict_queue.h"

namespace wardsync::server {

int CmdConflicts(AdminEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (!args.positional().empty()) {
    err << "error: unexpected argument \"" << args.positional()[0] << "\"\n";
    return 2;
  }
  const bool json = args.Flag("json");
  util::JsonWriter w;
  if (json) w.BeginArray();
  size_t n = 0;
  Status s = audit::ForEachOpenConflict(env.ctx().store, args.Get("ward"),
                                        [&](const wardsync::records::RecordState& r, const wardsync::records::Conflict& c) {
                                          ++n;
                                          if (json) {
                                            render::ConflictReviewJson(r, c, w);
                                          } else {
                                            if (n > 1) out << "\n";
                                            render::ConflictText(r, c, out);
                                          }
                                        });
  if (!s.ok()) {
    err << "error: " << s.message() << "\n";
    return 1;
  }
  if (json) {
    w.EndArray();
    out << w.str() << "\n";
  } else if (n == 0) {
    err << "no open conflicts\n";
  }
  return 0;
}

}  // namespace wardsync::server
