// The election form pack, loaded once per fuzz process from the source tree.
#pragma once
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "common/forms/form_loader.h"
#include "common/forms/form_registry.h"

namespace wardsync::fuzz {

inline const forms_util::FormRegistry& ElectionForms() {
  static const forms_util::FormRegistry* registry = [] {
    auto* r = new forms_util::FormRegistry();
    for (const char* name : {"voter-meeting", "complaint", "consultation-conference", "polling-station-readiness",
                             "security-incident", "turnout-report", "tally-minutes", "candidate", "complaint-v2"}) {
      std::ifstream in(std::string(WARDSYNC_SOURCE_DIR) + "/forms/election/" + name + ".json");
      std::stringstream ss;
      ss << in.rdbuf();
      auto form = forms_util::ParseFormJson(ss.str(), name);
      if (!form.ok() || !r->Add(*form).ok()) std::abort();  // the pack itself must load
    }
    return r;
  }();
  return *registry;
}

}  // namespace wardsync::fuzz
