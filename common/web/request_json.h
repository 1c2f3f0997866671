// What both web faces' JSON APIs (client/ui/ui_api.cc, server/dashboard/
// dashboard_api.cc) do with a request body and with the error text of the
// CLI command they run for it.
#pragma once
#include <string>

#include <google/protobuf/struct.pb.h>

#include "common/status.h"

namespace wardsync::web {

// The request body as a JSON object; a clear error for an empty body or
// anything that is not an object.
Result<google::protobuf::Struct> ParseJsonObject(const std::string& body);

// A command's stderr as one message for the page: without the "error: "
// prefix and the trailing newline.
std::string CommandErrorText(std::string err);

}  // namespace wardsync::web
