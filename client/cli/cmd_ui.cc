// ui: the URL of the officer app served by the agent that holds DIR.
#include "client/cli/command.h"
#include "common/util/json_writer.h"

namespace wardsync::client {

int CmdUi(ClientEnv& env, const cli::Args& args, std::ostream& out, std::ostream& err) {
  auto url = env.UiUrl();  // set only inside an agent started with --ui
  if (!url) {
    err << "error: no agent serves the officer app for this data directory; start one with "
           "`wardsync agent --data DIR --ui 127.0.0.1:0`\n";
    return 1;
  }
  if (args.Flag("json")) {
    util::JsonWriter w;
    w.BeginObject().Key("url").String(*url).EndObject();
    out << w.str() << "\n";
  } else {
    out << *url << "\n";
  }
  return 0;
}

}  // namespace wardsync::client
