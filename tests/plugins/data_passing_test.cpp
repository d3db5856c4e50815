#include "plugins/data_passing.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "fakes/temp_dir.h"
#include "flyteidl/core/errors.pb.h"
#include "flyteidl/core/literals.pb.h"
#include "plugins/attempt_command.h"

namespace flyte::plugins {
namespace {

namespace fs = std::filesystem;
using flyteidl::core::Literal;
using flyteidl::core::LiteralMap;

void Write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

Literal Scalar(const std::function<void(flyteidl::core::Primitive*)>& set) {
  Literal literal;
  set(literal.mutable_scalar()->mutable_primitive());
  return literal;
}

Literal Blob(const std::string& uri, flyteidl::core::BlobType::BlobDimensionality dimensionality) {
  Literal literal;
  literal.mutable_scalar()->mutable_blob()->set_uri(uri);
  literal.mutable_scalar()->mutable_blob()->mutable_metadata()->mutable_type()->set_dimensionality(dimensionality);
  return literal;
}

// A raw container attempt reading /var/inputs and writing /var/outputs, its folders under `dir`.
TaskAttempt DataAttempt(const fs::path& dir, flyteidl::core::DataLoadingConfig::LiteralMapFormat format) {
  TaskAttempt attempt;
  attempt.log_dir = (dir / "logs" / "n0-0").string();
  attempt.inputs_path = "file://" + (dir / "blobs" / "inputs.pb").string();
  attempt.output_prefix = (dir / "blobs" / "out").string();
  attempt.raw_output_prefix = "file://" + (dir / "blobs" / "raw").string();
  auto* config = attempt.task.mutable_container()->mutable_data_config();
  config->set_enabled(true);
  config->set_input_path("/var/inputs");
  config->set_output_path("/var/outputs");
  config->set_format(format);
  return attempt;
}

void DeclareOutput(TaskAttempt& attempt, const std::string& name, const flyteidl::core::LiteralType& type) {
  (*attempt.task.mutable_interface()->mutable_outputs()->mutable_variables())[name].mutable_type()->CopyFrom(type);
}

flyteidl::core::LiteralType Simple(flyteidl::core::SimpleType type) {
  flyteidl::core::LiteralType literal_type;
  literal_type.set_simple(type);
  return literal_type;
}

TEST_CASE("data passing: only for a container with data_config and a folder") {
  testing::TempDir dir;
  TaskAttempt attempt = DataAttempt(dir.path(), flyteidl::core::DataLoadingConfig::JSON);
  CHECK(DataPassingFor(attempt).has_value());
  attempt.task.mutable_container()->mutable_data_config()->clear_input_path();
  attempt.task.mutable_container()->mutable_data_config()->clear_output_path();
  CHECK_FALSE(DataPassingFor(attempt).has_value());  // what flytekit sets for every ContainerTask
  attempt.task.mutable_container()->mutable_data_config()->set_output_path("/out");
  attempt.task.mutable_container()->mutable_data_config()->set_enabled(false);
  CHECK_FALSE(DataPassingFor(attempt).has_value());
}

TEST_CASE("data passing: inputs as copilot lays them out, primitives as text, blobs as themselves") {
  testing::TempDir dir;
  Write(dir.path() / "blobs" / "doc.txt", "a document");
  Write(dir.path() / "blobs" / "folder" / "nested" / "deep.txt", "deep");
  LiteralMap inputs;
  auto& literals = *inputs.mutable_literals();
  literals["n"] = Scalar([](auto* p) { p->set_integer(-21); });
  literals["word"] = Scalar([](auto* p) { p->set_string_value("say \"hi\"\n"); });
  literals["x"] = Scalar([](auto* p) { p->set_float_value(1e21); });
  literals["flag"] = Scalar([](auto* p) { p->set_boolean(false); });
  literals["wait"] = Scalar([](auto* p) {
    p->mutable_duration()->set_seconds(3723);
    p->mutable_duration()->set_nanos(500000000);
  });
  literals["at"] = Scalar([](auto* p) {
    p->mutable_datetime()->set_seconds(1700000000);
    p->mutable_datetime()->set_nanos(120000000);
  });
  literals["doc"] = Blob(dir.path().string() + "/blobs/doc.txt", flyteidl::core::BlobType::SINGLE);
  literals["dir"] = Blob("file://" + dir.path().string() + "/blobs/folder", flyteidl::core::BlobType::MULTIPART);
  auto* items = literals["xs"].mutable_collection();
  *items->add_literals() = Scalar([](auto* p) { p->set_integer(1); });
  *items->add_literals() = Scalar([](auto* p) { p->set_integer(2); });
  Write(dir.path() / "blobs" / "inputs.pb", inputs.SerializeAsString());

  const TaskAttempt attempt = DataAttempt(dir.path(), flyteidl::core::DataLoadingConfig::JSON);
  const DataPassing data = *DataPassingFor(attempt);
  Write(data.outputs / "stale", "from an earlier attempt");
  REQUIRE(WriteDataFolders(data, "/var/inputs").ok());
  CHECK(testing::ReadFile(data.inputs / "n") == "-21");
  CHECK(testing::ReadFile(data.inputs / "word") == "say \"hi\"\n");
  CHECK(testing::ReadFile(data.inputs / "x") == "1000000000000000000000");  // Go's FormatFloat(x, 'f', -1, 64)
  CHECK(testing::ReadFile(data.inputs / "flag") == "false");
  CHECK(testing::ReadFile(data.inputs / "wait") == "1h2m3.5s");
  CHECK(testing::ReadFile(data.inputs / "at") == "2023-11-14T22:13:20.12Z");
  CHECK(testing::ReadFile(data.inputs / "doc") == "a document");
  CHECK(testing::ReadFile(data.inputs / "dir" / "nested" / "deep.txt") == "deep");
  CHECK(testing::ReadFile(data.inputs / "xs" / "0") == "1");
  CHECK(testing::ReadFile(data.inputs / "xs" / "1") == "2");
  CHECK(testing::ReadFile(data.inputs / "inputs.json") ==
        R"({"at":"2023-11-14T22:13:20.12Z","dir":"/var/inputs/dir","doc":"/var/inputs/doc","flag":false,"n":-21,)"
        R"("wait":3723500000000,"word":"say \"hi\"\n","x":1e+21,"xs":[1,2]})");
  LiteralMap local;
  REQUIRE(local.ParseFromString(testing::ReadFile(data.inputs / "inputs.pb")));
  CHECK(local.literals().at("doc").scalar().blob().uri() == "/var/inputs/doc");  // as the task sees it
  CHECK(local.literals().at("n").scalar().primitive().integer() == -21);
  CHECK_FALSE(fs::exists(data.inputs / "inputs.yaml"));
  CHECK(fs::is_empty(data.outputs));  // a retry starts with nothing in it
}

TEST_CASE("data passing: YAML and PROTO formats, and a task without inputs") {
  testing::TempDir dir;
  const DataPassing yaml = *DataPassingFor(DataAttempt(dir.path(), flyteidl::core::DataLoadingConfig::YAML));
  REQUIRE(WriteDataFolders(yaml, "/var/inputs").ok());  // no inputs.pb at all: no inputs
  CHECK(testing::ReadFile(yaml.inputs / "inputs.yaml") == "{}\n");
  CHECK(fs::exists(yaml.inputs / "inputs.pb"));
  const DataPassing proto = *DataPassingFor(DataAttempt(dir.path(), flyteidl::core::DataLoadingConfig::PROTO));
  REQUIRE(WriteDataFolders(proto, "/var/inputs").ok());
  CHECK_FALSE(fs::exists(proto.inputs / "inputs.json"));
  CHECK_FALSE(fs::exists(proto.inputs / "inputs.yaml"));
}

TEST_CASE("data passing: outputs read back from their files, typed by the interface") {
  testing::TempDir dir;
  TaskAttempt attempt = DataAttempt(dir.path(), flyteidl::core::DataLoadingConfig::JSON);
  DeclareOutput(attempt, "total", Simple(flyteidl::core::INTEGER));
  DeclareOutput(attempt, "shout", Simple(flyteidl::core::STRING));
  DeclareOutput(attempt, "ratio", Simple(flyteidl::core::FLOAT));
  DeclareOutput(attempt, "ok", Simple(flyteidl::core::BOOLEAN));
  DeclareOutput(attempt, "took", Simple(flyteidl::core::DURATION));
  flyteidl::core::LiteralType file;
  file.mutable_blob()->set_format("txt");
  DeclareOutput(attempt, "copy", file);
  DeclareOutput(attempt, "tree", file);
  const DataPassing data = *DataPassingFor(attempt);
  REQUIRE(WriteDataFolders(data, "/var/inputs").ok());
  Write(data.outputs / "total", " 42\n");
  Write(data.outputs / "shout", "hi there\n");  // trimmed, as copilot trims
  Write(data.outputs / "ratio", "2.5");
  Write(data.outputs / "ok", "True");
  Write(data.outputs / "took", "1m30s");
  Write(data.outputs / "copy.txt", "copied");  // the one file with the output's name and an extension
  Write(data.outputs / "tree" / "a" / "b.txt", "b");
  REQUIRE(CollectOutputs(data).ok());

  LiteralMap outputs;
  REQUIRE(outputs.ParseFromString(testing::ReadFile(dir.path() / "blobs" / "out" / "outputs.pb")));
  const auto& got = outputs.literals();
  CHECK(got.at("total").scalar().primitive().integer() == 42);
  CHECK(got.at("shout").scalar().primitive().string_value() == "hi there");
  CHECK(got.at("ratio").scalar().primitive().float_value() == 2.5);
  CHECK(got.at("ok").scalar().primitive().boolean());
  CHECK(got.at("took").scalar().primitive().duration().seconds() == 90);
  const auto& copy = got.at("copy").scalar().blob();
  CHECK(copy.uri() == "file://" + (dir.path() / "blobs" / "raw" / "copy").string());
  CHECK(copy.metadata().type().dimensionality() == flyteidl::core::BlobType::SINGLE);
  CHECK(copy.metadata().type().format() == "txt");
  CHECK(testing::ReadFile(dir.path() / "blobs" / "raw" / "copy") == "copied");
  CHECK(got.at("tree").scalar().blob().metadata().type().dimensionality() == flyteidl::core::BlobType::MULTIPART);
  CHECK(testing::ReadFile(dir.path() / "blobs" / "raw" / "tree" / "a" / "b.txt") == "b");
  CHECK_FALSE(fs::exists(dir.path() / "blobs" / "out" / "error.pb"));
}

TEST_CASE("data passing: raw data under s3:// is read from and written to the S3 endpoint's buckets") {
  testing::TempDir dir;
  TaskAttempt attempt = DataAttempt(dir.path(), flyteidl::core::DataLoadingConfig::JSON);
  attempt.raw_output_prefix = "s3://bucket/data/p/d/e/n0/0";
  attempt.buckets_dir = dir.path() / "blobs";
  flyteidl::core::LiteralType file;
  file.mutable_blob();
  DeclareOutput(attempt, "copy", file);
  Write(dir.path() / "blobs" / "bucket" / "data" / "in.txt", "from s3");
  LiteralMap inputs;
  (*inputs.mutable_literals())["doc"] = Blob("s3://bucket/data/in.txt", flyteidl::core::BlobType::SINGLE);
  Write(dir.path() / "blobs" / "inputs.pb", inputs.SerializeAsString());
  const DataPassing data = *DataPassingFor(attempt);
  REQUIRE(WriteDataFolders(data, "/var/inputs").ok());
  CHECK(testing::ReadFile(data.inputs / "doc") == "from s3");
  Write(data.outputs / "copy", "to s3");
  REQUIRE(CollectOutputs(data).ok());
  LiteralMap outputs;
  REQUIRE(outputs.ParseFromString(testing::ReadFile(dir.path() / "blobs" / "out" / "outputs.pb")));
  CHECK(outputs.literals().at("copy").scalar().blob().uri() == "s3://bucket/data/p/d/e/n0/0/copy");
  CHECK(testing::ReadFile(dir.path() / "blobs" / "bucket" / "data" / "p" / "d" / "e" / "n0" / "0" / "copy") == "to s3");

  // A key that would leave the buckets is refused; without an endpoint, s3:// is not readable here.
  CHECK(absl::IsInvalidArgument(DataPath("s3://bucket/../../etc/passwd", "/blobs").status()));
  CHECK(absl::IsInvalidArgument(DataPath("s3://bucket//x", "/blobs").status()));
  CHECK(*DataPath("s3://bucket/a/b", "/blobs") == "/blobs/bucket/a/b");
  CHECK(*DataPath("file:///a/b", "/blobs") == "/a/b");
  CHECK(absl::IsFailedPrecondition(DataPath("s3://bucket/a", "").status()));
}

flyteidl::core::ErrorDocument ErrorOf(const fs::path& dir) {
  flyteidl::core::ErrorDocument document;
  REQUIRE(document.ParseFromString(testing::ReadFile(dir / "blobs" / "out" / "error.pb")));
  return document;
}

TEST_CASE("data passing: a missing or malformed output, or _ERROR, is the task's error") {
  testing::TempDir dir;
  TaskAttempt attempt = DataAttempt(dir.path(), flyteidl::core::DataLoadingConfig::JSON);
  DeclareOutput(attempt, "total", Simple(flyteidl::core::INTEGER));
  const DataPassing data = *DataPassingFor(attempt);
  REQUIRE(WriteDataFolders(data, "/var/inputs").ok());

  REQUIRE(CollectOutputs(data).ok());
  CHECK(ErrorOf(dir.path()).error().code() == "OutputUploadFailed");
  CHECK(ErrorOf(dir.path()).error().message() == "file not found at path [/var/outputs/total]");
  CHECK(ErrorOf(dir.path()).error().origin() == flyteidl::core::ExecutionError::USER);

  Write(data.outputs / "total", "forty-two");
  REQUIRE(CollectOutputs(data).ok());
  CHECK(ErrorOf(dir.path()).error().message().find("failed to parse integer value") != std::string::npos);

  Write(data.outputs / "total", std::string(2000, '1'));
  REQUIRE(CollectOutputs(data).ok());
  CHECK(ErrorOf(dir.path()).error().message() == "maximum allowed filesize is [1024], but found [2000]");

  Write(data.outputs / "_ERROR", "bad input");
  REQUIRE(CollectOutputs(data).ok());
  CHECK(ErrorOf(dir.path()).error().message() == "User Error: bad input");
  CHECK_FALSE(fs::exists(dir.path() / "blobs" / "out" / "outputs.pb"));
}

TEST_CASE("data passing: the task's own outputs.pb is taken as it is") {
  testing::TempDir dir;
  TaskAttempt attempt = DataAttempt(dir.path(), flyteidl::core::DataLoadingConfig::PROTO);
  DeclareOutput(attempt, "total", Simple(flyteidl::core::INTEGER));
  const DataPassing data = *DataPassingFor(attempt);
  REQUIRE(WriteDataFolders(data, "/var/inputs").ok());
  LiteralMap own;
  (*own.mutable_literals())["total"] = Scalar([](auto* p) { p->set_integer(7); });
  Write(data.outputs / "outputs.pb", own.SerializeAsString());
  REQUIRE(CollectOutputs(data).ok());
  CHECK(testing::ReadFile(dir.path() / "blobs" / "out" / "outputs.pb") == own.SerializeAsString());
}

TEST_CASE("data passing: a local process's command line names the folders on this machine") {
  testing::TempDir dir;
  const DataPassing data = *DataPassingFor(DataAttempt(dir.path(), flyteidl::core::DataLoadingConfig::JSON));
  const std::vector<std::string> line = MapDataPaths(
      {"sh", "-c", "cat /var/inputs/n > /var/outputs/total; ls /var/inputs /var/inputs2 /var/outputs"}, data);
  const std::string in = data.inputs.string();
  const std::string out = data.outputs.string();
  CHECK(line == std::vector<std::string>{"sh", "-c",
                                         "cat " + in + "/n > " + out + "/total; ls " + in + " /var/inputs2 " + out});
}

}  // namespace
}  // namespace flyte::plugins
