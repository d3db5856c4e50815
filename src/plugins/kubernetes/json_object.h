// Reading and building Kubernetes objects held as JSON (google::protobuf::Struct): a field by
// key, read-only on a const object (an absent object reads as empty), made on demand on a
// mutable one.
#pragma once

#include <google/protobuf/struct.pb.h>

#include <string>
#include <string_view>

namespace flyte::plugins::json {

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

inline Value Text(std::string_view text) {
  Value value;
  value.set_string_value(std::string(text));
  return value;
}

// Null when absent.
inline const Value* Find(const Struct& object, const std::string& key) {
  const auto found = object.fields().find(key);
  return found == object.fields().end() ? nullptr : &found->second;
}

// "" when absent or not a string.
inline std::string TextAt(const Struct& object, const std::string& key) {
  const Value* value = Find(object, key);
  return value != nullptr && value->has_string_value() ? value->string_value() : std::string();
}

// An empty object when absent or not an object.
inline const Struct& ObjectAt(const Struct& object, const std::string& key) {
  static const Struct empty;
  const Value* value = Find(object, key);
  return value != nullptr && value->has_struct_value() ? value->struct_value() : empty;
}

// The object at `key`, made (replacing anything else there) when it is not one.
inline Struct& ObjectAt(Struct& object, const std::string& key) {
  return *(*object.mutable_fields())[key].mutable_struct_value();
}

// The list at `key`, made (replacing anything else there) when it is not one.
inline ListValue& ListAt(Struct& object, const std::string& key) {
  return *(*object.mutable_fields())[key].mutable_list_value();
}

}  // namespace flyte::plugins::json
