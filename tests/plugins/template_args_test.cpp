#include "plugins/template_args.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

namespace flyte::plugins {
namespace {

namespace core = flyteidl::core;

TaskAttempt MakeAttempt() {
  TaskAttempt attempt;
  attempt.id = "p/d/exec1/n0/0";
  attempt.project = "p";
  attempt.domain = "d";
  attempt.execution_name = "exec1";
  attempt.node_id = "n0";
  attempt.attempt = 0;
  attempt.inputs_path = "file:///data/n0/inputs.pb";
  attempt.input_prefix = "file:///data/n0";
  attempt.output_prefix = "file:///data/n0/0";
  attempt.raw_output_prefix = "file:///raw/ab/exec1-n0-0";
  attempt.checkpoint_prefix = "file:///raw/ab/exec1-n0-0/_flytecheckpoints";
  return attempt;
}

std::string Render(const std::string& arg, const TaskAttempt& attempt = MakeAttempt(),
                   const core::LiteralMap* inputs = nullptr) {
  auto rendered = RenderArgs({arg}, attempt, inputs);
  REQUIRE_MESSAGE(rendered.ok(), std::string(rendered.status().message()));
  REQUIRE(rendered->size() == 1);
  return rendered->front();
}

core::Literal Scalar(core::Primitive primitive) {
  core::Literal literal;
  *literal.mutable_scalar()->mutable_primitive() = std::move(primitive);
  return literal;
}
core::Literal Int(int64_t value) {
  core::Primitive p;
  p.set_integer(value);
  return Scalar(p);
}
core::Literal Float(double value) {
  core::Primitive p;
  p.set_float_value(value);
  return Scalar(p);
}
core::Literal Bool(bool value) {
  core::Primitive p;
  p.set_boolean(value);
  return Scalar(p);
}
core::Literal Str(const std::string& value) {
  core::Primitive p;
  p.set_string_value(value);
  return Scalar(p);
}
core::Literal Datetime(int64_t seconds, int32_t nanos) {
  core::Primitive p;
  p.mutable_datetime()->set_seconds(seconds);
  p.mutable_datetime()->set_nanos(nanos);
  return Scalar(p);
}
core::Literal Duration(int64_t seconds, int32_t nanos) {
  core::Primitive p;
  p.mutable_duration()->set_seconds(seconds);
  p.mutable_duration()->set_nanos(nanos);
  return Scalar(p);
}
core::Literal Collection(std::vector<core::Literal> elements) {
  core::Literal literal;
  literal.mutable_collection();  // set, even when empty
  for (auto& element : elements) *literal.mutable_collection()->add_literals() = std::move(element);
  return literal;
}
core::Literal Msgpack(const std::string& hex, const std::string& tag = "msgpack") {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  core::Literal literal;
  literal.mutable_scalar()->mutable_binary()->set_value(bytes);
  literal.mutable_scalar()->mutable_binary()->set_tag(tag);
  return literal;
}

core::LiteralMap Inputs(std::vector<std::pair<std::string, core::Literal>> literals) {
  core::LiteralMap map;
  for (auto& [name, literal] : literals) (*map.mutable_literals())[name] = std::move(literal);
  return map;
}

TEST_CASE("templates: every variable, case-insensitive, with `.` or `$` and blanks") {
  const struct {
    const char* arg;
    const char* want;
  } cases[] = {
      {"{{.input}}", "file:///data/n0/inputs.pb"},
      {"{{.Input}}", "file:///data/n0/inputs.pb"},
      {"{{ $Input }}", "file:///data/n0/inputs.pb"},
      {"{{$input}}", "file:///data/n0/inputs.pb"},
      {"{{       .Input }}", "file:///data/n0/inputs.pb"},
      {"{{\t.input\n}}", "file:///data/n0/inputs.pb"},
      {"--something={{.Input}}", "--something=file:///data/n0/inputs.pb"},
      {"{{.inputPrefix}}", "file:///data/n0"},
      {"{{ .InputPrefix }}", "file:///data/n0"},
      {"{{.outputPrefix}}", "file:///data/n0/0"},
      {"{{ .OUTPUTPREFIX}}", "file:///data/n0/0"},
      {"{{.rawOutputDataPrefix}}", "file:///raw/ab/exec1-n0-0"},
      {"{{ $RawOutputDataPrefix }}", "file:///raw/ab/exec1-n0-0"},
      {"{{.checkpointOutputPrefix}}", "file:///raw/ab/exec1-n0-0/_flytecheckpoints"},
      {"--checkpoint={{ .checkpointoutputprefix }}", "--checkpoint=file:///raw/ab/exec1-n0-0/_flytecheckpoints"},
      {"{{.prevCheckpointPrefix}}", "\"\""},  // none yet: two quote characters
      {"--prev={{ .PrevCheckpointPrefix }}", "--prev=\"\""},
      {"{{.perRetryUniqueKey}}", "exec1_n0_0"},
      {"{{ .PerretryuNIqueKey }}", "exec1_n0_0"},
      {"{{.taskTemplatePath}}", "file:///data/n0/task.pb"},
      {"{{.namespace}}", "p-d"},
      {"{{ .Namespace }}", "p-d"},
      {"{{.input}} {{.outputPrefix}} {{.input}}",
       "file:///data/n0/inputs.pb file:///data/n0/0 file:///data/n0/inputs.pb"},
      {"{{{.input}}}", "{file:///data/n0/inputs.pb}"},
      // Go folds KELVIN SIGN to k and LONG S to s under (?i).
      {"{{.ta\xC5\xBF\xE2\x84\xAATemplatePath}}", "file:///data/n0/task.pb"},
      // Not templates, or unknown ones: left as they are.
      {"{{input}}", "{{input}}"},
      {"{.input}}", "{.input}}"},
      {"${{input}}", "${{input}}"},
      {"{{ .wrongOutputDataPrefix }}", "{{ .wrongOutputDataPrefix }}"},
      {"{{.Inputs}}", "{{.Inputs}}"},
      {"{{\v.input}}", "{{\v.input}}"},  // Go's \s has no vertical tab
      {"{{ .remote_package_path }}", "{{ .remote_package_path }}"},
      {"{{.input", "{{.input"},
      {"plain", "plain"},
      {"", ""},
  };
  for (const auto& c : cases) {
    const std::string arg = c.arg;
    CAPTURE(arg);
    CHECK(Render(c.arg) == c.want);
  }
}

TEST_CASE("templates: a previous checkpoint replaces the empty quotes") {
  TaskAttempt attempt = MakeAttempt();
  attempt.prev_checkpoint_prefix = "file:///raw/cd/exec1-n0-0/_flytecheckpoints";
  CHECK(Render("--prev-checkpoint={{.prevCheckpointPrefix}}", attempt) ==
        "--prev-checkpoint=file:///raw/cd/exec1-n0-0/_flytecheckpoints");
}

TEST_CASE("templates: replaced in propeller's order, so values may contain later templates") {
  TaskAttempt attempt = MakeAttempt();
  attempt.raw_output_prefix = "s3://raw-data/prefix/{{ .Namespace }}";
  attempt.prev_checkpoint_prefix = "s3://prev-checkpoint/prefix/{{ .Namespace}}";
  attempt.checkpoint_prefix = "s3://new-checkpoint/prefix/{{.namespace}}";
  attempt.output_prefix = "out/{{.input}}";  // {{.input}} is replaced before the output prefix
  CHECK(Render("{{.rawOutputDataPrefix}}", attempt) == "s3://raw-data/prefix/p-d");
  CHECK(Render("{{.prevCheckpointPrefix}}", attempt) == "s3://prev-checkpoint/prefix/p-d");
  CHECK(Render("{{.checkpointOutputPrefix}}", attempt) == "s3://new-checkpoint/prefix/p-d");
  CHECK(Render("{{.outputPrefix}}", attempt) == "out/{{.input}}");
}

TEST_CASE("templates: the generated name and the per-retry unique key match propeller") {
  TaskAttempt attempt = MakeAttempt();
  CHECK(GeneratedName(attempt) == "exec1-n0-0");
  // Longer than 50: "f" + base32(fnv32a), the values computed by flyteplugins' encoding package.
  attempt.execution_name = "a-very-long-execution-name-abcdefghijklmnopqrstuvwxyz";
  CHECK(GeneratedName(attempt) == "fjn3gpwi");
  CHECK(Render("{{.perRetryUniqueKey}}", attempt) == "fjn3gpwi");
  attempt.execution_name = "f1234567890abcdefghij";
  attempt.node_id = "dn0-dn1-n2-some-very-long-node-id";
  attempt.attempt = 3;
  CHECK(GeneratedName(attempt) == "fj2usswi");
  // Non-alphanumeric runs become "_", a leading non-letter run becomes "a".
  attempt = MakeAttempt();
  attempt.execution_name = "33 per";
  attempt.node_id = "n0--x.y";
  CHECK(Render("{{.perRetryUniqueKey}}", attempt) == "aper_n0_x_y_0");
}

TEST_CASE("templates: {{.inputs.x}} prints each literal kind as propeller does") {
  const core::LiteralMap inputs = Inputs({
      {"i", Int(42)},
      {"neg", Int(-7)},
      {"t", Bool(true)},
      {"f", Bool(false)},
      {"x", Float(1.5)},
      {"big", Float(1e6)},
      {"round", Float(100000)},
      {"long", Float(123456789)},
      {"small", Float(0.00001)},
      {"tiny", Float(0.0001)},
      {"s", Str("hello world")},
      {"dt", Datetime(-2208985139, 1)},  // 1900-01-01T01:01:01.000000001Z
      {"dt2", Datetime(1700000000, 500000000)},
      {"dt3", Datetime(0, 0)},
      {"bad_dt", Datetime(-62135596801, 0)},
      {"d", Duration(5, 100)},
      {"d2", Duration(3600, 0)},
      {"arr", Collection({Str("a"), Str("b")})},
      {"arr2", Collection({Collection({Str("a"), Str("b")}), Collection({Int(1), Int(2)})})},
      {"empty", Collection({})},
      {"mp_map", Msgpack("84a16101a162c3a163cb3ff199999999999aa164a6737472696e67")},
      {"mp_list", Msgpack("9601a178c0cb40040000000000009080")},
      {"mp_time", Msgpack("d7ff000000146553f100")},
      {"mp_bytes", Msgpack("c4020102")},
      {"mp_float32", Msgpack("ca3dcccccd")},
      {"mp_int_keys", Msgpack("830101ff02cd010003")},
      {"mp_uint64", Msgpack("cfffffffffffffffff")},
  });
  core::Literal blob;
  blob.mutable_scalar()->mutable_blob()->set_uri("s3://bucket/file.csv");
  core::Literal schema;
  schema.mutable_scalar()->mutable_schema()->set_uri("s3://some-bucket/fdsa/x.parquet");
  core::LiteralMap all = inputs;
  (*all.mutable_literals())["blob"] = blob;
  (*all.mutable_literals())["schema"] = schema;

  const struct {
    const char* arg;
    const char* want;
  } cases[] = {
      {"{{.inputs.i}}", "42"},
      {"{{ $Inputs.neg }}", "-7"},
      {"{{.INPUTS.t}}/{{.inputs.f}}", "true/false"},
      {"{{.inputs.x}}", "1.5"},
      {"{{.inputs.big}}", "1e+06"},
      {"{{.inputs.round}}", "100000"},
      {"{{.inputs.long}}", "1.23456789e+08"},
      {"{{.inputs.small}}", "1e-05"},
      {"{{.inputs.tiny}}", "0.0001"},
      {"--greeting={{ .inputs.s }}", "--greeting=hello world"},
      {"{{.inputs.dt}}", "1900-01-01T01:01:01.000000001Z"},
      {"{{.inputs.dt2}}", "2023-11-14T22:13:20.5Z"},
      {"{{.inputs.dt3}}", "1970-01-01T00:00:00Z"},
      {"{{.inputs.bad_dt}}", "(timestamp: seconds:-62135596801 before 0001-01-01)"},
      {"{{.inputs.d}}", "seconds:5 nanos:100"},
      {"{{.inputs.d2}}", "seconds:3600"},
      {"{{.inputs.blob}}", "s3://bucket/file.csv"},
      {"{{.inputs.schema}}", "s3://some-bucket/fdsa/x.parquet"},
      {"--someArg {{ .Inputs.arr }}", "--someArg [a,b]"},
      {"{{.inputs.arr2}}", "[[a,b],[1,2]]"},
      {"{{.inputs.empty}}", "[]"},
      {"{{.inputs.mp_map}}", "map[a:1 b:true c:1.1 d:string]"},
      {"{{.inputs.mp_list}}", "[1 x <nil> 2.5 [] map[]]"},
      {"{{.inputs.mp_time}}", "2023-11-14 22:13:20.000000005 +0000 UTC"},
      {"{{.inputs.mp_bytes}}", "[1 2]"},
      {"{{.inputs.mp_float32}}", "0.1"},
      {"{{.inputs.mp_int_keys}}", "map[-1:2 1:1 256:3]"},
      {"{{.inputs.mp_uint64}}", "18446744073709551615"},
      {"ds = '{{ .Inputs.dt }}' AND min = {{ .Inputs.i }}", "ds = '1900-01-01T01:01:01.000000001Z' AND min = 42"},
      {"{{ .Inputs.blah blah }}", "{{ .Inputs.blah blah }}"},  // a blank in the name: not a template
  };
  for (const auto& c : cases) {
    const std::string arg = c.arg;
    CAPTURE(arg);
    CHECK(Render(c.arg, MakeAttempt(), &all) == c.want);
  }
}

TEST_CASE("templates: {{.inputs.x}} stays without inputs and fails for what propeller rejects") {
  CHECK(Render("--someArg {{ .Inputs.arr }}") == "--someArg {{ .Inputs.arr }}");
  const core::LiteralMap none;
  CHECK(Render("--someArg {{ .Inputs.arr }}", MakeAttempt(), &none) == "--someArg {{ .Inputs.arr }}");

  core::Literal map_literal;
  (*map_literal.mutable_map()->mutable_literals())["k"] = Int(1);
  core::Literal none_literal;
  none_literal.mutable_scalar()->mutable_none_type();
  const core::LiteralMap inputs = Inputs({
      {"x", Int(1)},
      {"m", map_literal},
      {"none", none_literal},
      {"in_collection", Collection({Int(1), none_literal})},
      {"wrong_tag", Msgpack("01", "json")},
      {"left_over", Msgpack("0102")},
      {"ext", Msgpack("d40501")},
      {"truncated", Msgpack("9201")},
  });
  const struct {
    const char* arg;
    const char* error;
  } cases[] = {
      {"{{.inputs.y}}", "requested input is not found [y]"},
      {"{{.inputs.X}}", "requested input is not found [X]"},  // names are case-sensitive
      {"{{.inputs.m}}", "unexpected primitive type [*core.Literal_Map]"},
      {"{{.inputs.none}}", "unexpected scalar type [*core.Scalar_NoneType]"},
      {"{{.inputs.in_collection}}", "unexpected scalar type"},
      {"{{.inputs.wrong_tag}}", "unsupported binary tag [json]"},
      {"{{.inputs.left_over}}", "left over"},
      {"{{.inputs.ext}}", "invalid code d4"},
      {"{{.inputs.truncated}}", "data length lacks"},
  };
  for (const auto& c : cases) {
    const std::string arg = c.arg;
    CAPTURE(arg);
    auto rendered = RenderArgs({"ok {{.inputs.x}}", c.arg}, MakeAttempt(), &inputs);
    REQUIRE(absl::IsInvalidArgument(rendered.status()));
    const std::string message(rendered.status().message());
    CHECK(message.find(c.error) != std::string::npos);
    CHECK(message.find(std::string("input template [") + c.arg + "]") != std::string::npos);
  }
}

TEST_CASE("templates: flytekit's default command line") {
  TaskAttempt attempt = MakeAttempt();
  const std::vector<std::string> args = {"pyflyte-execute",
                                         "--inputs",
                                         "{{.input}}",
                                         "--output-prefix",
                                         "{{.outputPrefix}}",
                                         "--raw-output-data-prefix",
                                         "{{.rawOutputDataPrefix}}",
                                         "--checkpoint-path",
                                         "{{.checkpointOutputPrefix}}",
                                         "--prev-checkpoint",
                                         "{{.prevCheckpointPrefix}}",
                                         "--resolver",
                                         "flytekit.core.python_auto_container.default_task_resolver",
                                         "--",
                                         "task-module",
                                         "wf",
                                         "task-name",
                                         "t1"};
  auto rendered = RenderArgs(args, attempt, nullptr);
  REQUIRE(rendered.ok());
  const std::vector<std::string> want = {"pyflyte-execute",
                                         "--inputs",
                                         "file:///data/n0/inputs.pb",
                                         "--output-prefix",
                                         "file:///data/n0/0",
                                         "--raw-output-data-prefix",
                                         "file:///raw/ab/exec1-n0-0",
                                         "--checkpoint-path",
                                         "file:///raw/ab/exec1-n0-0/_flytecheckpoints",
                                         "--prev-checkpoint",
                                         "\"\"",
                                         "--resolver",
                                         "flytekit.core.python_auto_container.default_task_resolver",
                                         "--",
                                         "task-module",
                                         "wf",
                                         "task-name",
                                         "t1"};
  CHECK(*rendered == want);
  CHECK(RenderArgs({}, attempt, nullptr)->empty());
}

TEST_CASE("templates: which commands need the inputs or the task template") {
  CHECK(ReferencesInputValues({"a", "--x={{ .Inputs.x }}"}));
  CHECK(ReferencesInputValues({"{{$inputs.y}}"}));
  CHECK_FALSE(ReferencesInputValues({"{{.input}}", "{{.inputs}}", "{{.inputs.}}", "{{.inputs.a b}}"}));
  CHECK(ReferencesTaskTemplatePath({"x", "{{ .TaskTemplatePath }}"}));
  CHECK_FALSE(ReferencesTaskTemplatePath({"{{.input}}", "{{taskTemplatePath}}"}));
  TaskAttempt attempt = MakeAttempt();
  attempt.input_prefix = "file:///data/n1/";
  CHECK(TaskTemplatePath(attempt) == "file:///data/n1/task.pb");
}

}  // namespace
}  // namespace flyte::plugins
