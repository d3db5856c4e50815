// An admin fixture that creates Flyte 2 runs as the SDK does (inputs uploaded, then CreateRun):
// what the tests of Flyte 2's services share.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "fakes/admin_fixture.h"

namespace flyte::testing {

struct V2Runs : AdminFixture {
  admin::V2RunService& runs = admin->v2_runs();

  // Inputs uploaded as the SDK does before CreateRun.
  flyteidl2::common::OffloadedInputData Uploaded(const std::string& project = "flytesnacks") {
    flyteidl2::dataproxy::UploadInputsRequest request;
    request.mutable_project_id()->set_name(project);
    request.mutable_project_id()->set_domain("development");
    request.mutable_inputs()->add_literals()->set_name("x");
    flyteidl2::dataproxy::UploadInputsResponse reply;
    REQUIRE(admin->v2_data_proxy().UploadInputs(request, &reply).ok());
    return reply.offloaded_input_data();
  }

  flyteidl2::workflow::CreateRunRequest Request(const std::string& name = "") {
    flyteidl2::workflow::CreateRunRequest request;
    if (name.empty()) {
      request.mutable_project_id()->set_name("flytesnacks");
      request.mutable_project_id()->set_domain("development");
    } else {
      auto* id = request.mutable_run_id();
      id->set_project("flytesnacks");
      id->set_domain("development");
      id->set_name(name);
    }
    auto* task = request.mutable_task_spec()->mutable_task_template();
    task->mutable_id()->set_name("env.hello");
    task->mutable_id()->set_version("v1");
    task->set_type("python");
    *request.mutable_offloaded_input_data() = Uploaded();
    return request;
  }

  StatusOr<flyteidl2::workflow::Run> Create(const flyteidl2::workflow::CreateRunRequest& request) {
    flyteidl2::workflow::CreateRunResponse reply;
    RETURN_IF_ERROR(runs.CreateRun(request, &reply));
    return reply.run();
  }
};

}  // namespace flyte::testing
