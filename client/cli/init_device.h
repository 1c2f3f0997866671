// `wardsync init`: generate the device key, enroll with a one-time code,
// store the configuration, pull the forms.
#pragma once
#include <ostream>
#include <string>

#include "common/status.h"

namespace wardsync::client {

struct InitDeviceOptions {
  std::string data_dir;
  std::string server;    // host:port[,host:port...]; "" = the addresses in the code
  std::string code;
  std::string officer;   // recorded in every change-set
  std::string label;     // shown to administrators in `devices`
};

// Returns Ok when enrolled; `forms_error` is set if the first sync (forms)
// failed - the device is enrolled and the next sync fetches them.
Status InitDevice(const InitDeviceOptions& options, std::ostream& out, std::string* forms_error);

}  // namespace wardsync::client
