// ListObjects paging (prefix, delimiter, marker, max-keys) and the XML bodies S3 reads.
#include "server/s3/listing.h"

#include <doctest/doctest.h>

#include "server/s3/s3_error.h"
#include "server/s3/xml.h"

namespace flyte::server::s3 {
namespace {

std::vector<store::ObjectInfo> Objects(std::vector<std::string> keys) {
  std::vector<store::ObjectInfo> objects;
  for (auto& key : keys) {
    store::ObjectInfo object;
    object.key = std::move(key);
    objects.push_back(std::move(object));
  }
  return objects;
}

std::vector<std::string> KeysOf(const ListPage& page) {
  std::vector<std::string> keys;
  for (const auto& object : page.contents) keys.push_back(object.key);
  return keys;
}

TEST_CASE("listing: prefix and delimiter roll keys up into common prefixes") {
  const auto objects = Objects({"a-x", "a/b/c", "a/b/d", "a/e", "b", "c/d"});
  ListPage page = Paginate(objects, {"", "/", "", 1000});
  CHECK(KeysOf(page) == std::vector<std::string>{"a-x", "b"});
  CHECK(page.common_prefixes == std::vector<std::string>{"a/", "c/"});
  CHECK_FALSE(page.truncated);
  page = Paginate(objects, {"a/", "/", "", 1000});
  CHECK(KeysOf(page) == std::vector<std::string>{"a/e"});
  CHECK(page.common_prefixes == std::vector<std::string>{"a/b/"});
  page = Paginate(objects, {"a/", "", "", 1000});
  CHECK(KeysOf(page) == std::vector<std::string>{"a/b/c", "a/b/d", "a/e"});
}

TEST_CASE("listing: pages of max-keys continue after the last key or common prefix") {
  const auto objects = Objects({"a-x", "a/b/c", "a/b/d", "a/e", "b", "c/d"});
  ListPage first = Paginate(objects, {"", "/", "", 2});
  CHECK(KeysOf(first) == std::vector<std::string>{"a-x"});
  CHECK(first.common_prefixes == std::vector<std::string>{"a/"});
  CHECK(first.truncated);
  CHECK(first.next_marker == "a/");
  ListPage second = Paginate(objects, {"", "/", first.next_marker, 2});
  CHECK(KeysOf(second) == std::vector<std::string>{"b"});
  CHECK(second.common_prefixes == std::vector<std::string>{"c/"});
  CHECK_FALSE(second.truncated);
  CHECK(Paginate(objects, {"", "", "a/e", 1000}).contents.size() == 2);
  CHECK_FALSE(Paginate(objects, {"", "", "", 0}).truncated);
  CHECK(FolderOfPrefix("a/b/c") == "a/b");
  CHECK(FolderOfPrefix("abc").empty());
}

TEST_CASE("xml: element texts are unescaped; an unclosed element or a bad entity is MalformedXML") {
  auto objects = ElementBodies(
      "<Delete xmlns=\"x\"><Object><Key>a&amp;b&lt;c&#x263A;</Key></Object><Object><Key>d</Key></Object>"
      "<Quiet>true</Quiet></Delete>",
      "Object");
  REQUIRE(objects.ok());
  REQUIRE(objects->size() == 2);
  auto key = ElementTexts((*objects)[0], "Key");
  REQUIRE(key.ok());
  CHECK(key->at(0) == "a&b<c\xE2\x98\xBA");
  CHECK(ElementTexts("<Parts><PartNumber>1</PartNumber>", "Part")->empty());
  CHECK(ToS3Error(ElementTexts("<Key>a", "Key").status()).code == "MalformedXML");
  CHECK(ToS3Error(ElementTexts("<Key>&bogus;</Key>", "Key").status()).code == "MalformedXML");
  CHECK(XmlEscape("<a & 'b'>") == "&lt;a &amp; &apos;b&apos;&gt;");
  CHECK(XmlEscape(std::string("a\0b", 3)) ==
        "a\xEF\xBF\xBD"
        "b");  // no XML parser takes "&#0;"
}

}  // namespace
}  // namespace flyte::server::s3
