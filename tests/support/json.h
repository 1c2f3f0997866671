// Reading the JSON the binaries print (--json), with protobuf's own JSON
// parser into google.protobuf.Value: no extra dependency. Numbers come back
// as double (exact for the integers tests compare).
#pragma once
#include <google/protobuf/struct.pb.h>

#include <string>

namespace wardsync::test {

using JsonValue = google::protobuf::Value;

// Parses one JSON document; throws std::runtime_error (with the text) if it is not JSON.
JsonValue ParseJson(const std::string& text);

// obj[key]; throws if obj is not an object or has no such key.
const JsonValue& At(const JsonValue& obj, const std::string& key);
// The array's elements; throws if v is not an array.
const google::protobuf::RepeatedPtrField<JsonValue>& Items(const JsonValue& v);
// Typed reads; throw on a type mismatch.
std::string Str(const JsonValue& v);
double Num(const JsonValue& v);
bool Bool(const JsonValue& v);
bool IsNull(const JsonValue& v);

}  // namespace wardsync::test
